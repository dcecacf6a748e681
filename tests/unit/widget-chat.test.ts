/**
 * The panel's chat model with its connection and storage passed in: what it sends, when, and
 * what it keeps, without a browser or a server (the browser suites cover those together).
 */
import { describe, expect, it } from 'vitest';
import { createChat, type Transport } from '../../widget/app/state/chat';
import { readOutbox, safeStore, writeOutbox } from '../../widget/app/state/storage';
import type { ReconnectingSocketOptions } from '../../shared/reconnecting-socket';
import type { Message, VisitorServerFrame } from '../../shared/protocol';
import { memoryStorage } from '../helpers/memory-storage';

/** A connection the test drives: it records what the chat sends and delivers frames to it. */
function fakeConnection() {
  const sent: Record<string, unknown>[] = [];
  let handlers!: ReconnectingSocketOptions<VisitorServerFrame>;
  let open = false;
  const transport = (h: ReconnectingSocketOptions<VisitorServerFrame>): Transport => {
    handlers = h;
    return {
      start() {
        if (open) return;
        open = true;
        h.onStatus?.('open');
        h.onOpen();
      },
      stop() {
        open = false;
      },
      send(frame) {
        sent.push(frame as Record<string, unknown>);
        return open;
      },
      resetBackoff() {},
    } as Transport;
  };
  return {
    transport,
    sent,
    receive: (frame: VisitorServerFrame) => handlers.onFrame(frame),
    /** The socket dropped and opened again: the chat says hello again. */
    reopen: () => handlers.onOpen(),
    ofType: (type: string) => sent.filter((f) => f.type === type),
  };
}

const welcome = (conversations: { id: string; status: 'bot' | 'queued' | 'assigned' | 'resolved' }[] = []): VisitorServerFrame => ({
  type: 'welcome',
  v: 1,
  token: 'tok_1',
  visitorId: 'v_1',
  conversations: conversations.map((c) => ({ ...c, lastSeq: 3, readSeq: 0, updatedAt: 1 })),
  availability: { available: true, names: ['Ana'] },
  profile: { name: null, email: null },
});

function chatWith(storage = memoryStorage(), over: { locale?: 'es' | 'en'; lang?: 'es' | 'en' } = {}) {
  const conn = fakeConnection();
  const chat = createChat({
    siteKey: 'pk_test',
    brand: { siteName: 'Tienda', color: null, greeting: {} },
    socketUrl: 'ws://unused',
    locale: over.locale ?? 'es',
    ...(over.lang ? { lang: over.lang } : {}),
    storage,
    transport: conn.transport,
  });
  return { chat, conn, storage };
}

describe('the panel’s storage', () => {
  it('never throws: a storage that refuses reads and writes just keeps nothing', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    } as unknown as Storage;
    const store = safeStore(broken);
    expect(store.get('x')).toBeNull();
    expect(() => store.set('x', '1')).not.toThrow();
    expect(readOutbox(store, 'o')).toEqual([]);
    expect(readOutbox(safeStore(null), 'o')).toEqual([]);
  });

  it('keeps the outbox as a list of sends, dropping what is not one, and removes the key when empty', () => {
    const storage = memoryStorage();
    const store = safeStore(storage);
    storage.setItem('o', JSON.stringify([{ clientId: 'a', text: 'hola', createdAt: 1 }, { nope: true }, 'x']));
    expect(readOutbox(store, 'o')).toEqual([{ clientId: 'a', text: 'hola', createdAt: 1 }]);
    writeOutbox(store, 'o', (l) => [...l, { clientId: 'b', text: 'adiós', createdAt: 2 }]);
    expect(readOutbox(store, 'o').map((x) => x.clientId)).toEqual(['a', 'b']);
    writeOutbox(store, 'o', () => []);
    expect(storage.getItem('o')).toBeNull();
    storage.setItem('o', '{not json');
    expect(readOutbox(store, 'o')).toEqual([]);
  });
});

describe('the panel’s chat model', () => {
  it('says hello in the shopper’s own language (their browser’s), not the page’s', () => {
    const { chat, conn } = chatWith(memoryStorage(), { locale: 'es', lang: 'en' });
    chat.start();
    expect(conn.ofType('hello')[0]).toMatchObject({ locale: 'en' });
    const { chat: plain, conn: plainConn } = chatWith(memoryStorage(), { locale: 'es' });
    plain.start();
    expect(plainConn.ofType('hello')[0]).toMatchObject({ locale: 'es' });
  });

  it('sends one message at a time, each after the previous ack, and keeps unsent ones across a reload', () => {
    const storage = memoryStorage();
    const { chat, conn } = chatWith(storage);
    chat.start();
    conn.receive(welcome());
    chat.send('primero');
    chat.send('segundo');
    const sends = () => conn.ofType('message.send');
    expect(sends().map((f) => f.text)).toEqual(['primero']);
    expect(readOutbox(safeStore(storage), 'mostrador:pk_test:outbox').map((x) => x.text)).toEqual(['primero', 'segundo']);

    // A reload before any ack: both come back as pending, and go out again in order.
    const again = chatWith(storage);
    expect(again.chat.items.value.map((i) => [i.text, i.state])).toEqual([
      ['primero', 'sending'],
      ['segundo', 'sending'],
    ]);
    again.chat.start();
    again.conn.receive(welcome());
    const first = again.conn.ofType('message.send')[0]!;
    expect(first.text).toBe('primero');
    again.conn.receive({ type: 'ack', clientId: first.clientId as string, conversationId: 'cv_1', messageId: 'm1', seq: 1, createdAt: 2, duplicate: false });
    expect(again.conn.ofType('message.send').map((f) => f.text)).toEqual(['primero', 'segundo']);
    expect(readOutbox(safeStore(storage), 'mostrador:pk_test:outbox').map((x) => x.text)).toEqual(['segundo']);
  });

  it('writes into a resolved conversation (the server reopens it) instead of starting a new one, and keeps its history', () => {
    const { chat, conn } = chatWith();
    chat.start();
    conn.receive(welcome([{ id: 'cv_old', status: 'resolved' }]));
    expect(conn.ofType('sync')[0]).toMatchObject({ conversationId: 'cv_old', afterSeq: 0 });
    conn.receive({
      type: 'sync.result',
      conversationId: 'cv_old',
      hasMore: false,
      messages: [
        { id: 'm1', conversationId: 'cv_old', seq: 1, clientId: 'x1', author: { kind: 'visitor' }, kind: 'text', text: 'Hola', payload: null, createdAt: 1 },
        { id: 'm2', conversationId: 'cv_old', seq: 2, clientId: null, author: { kind: 'agent', id: 'ag_ana', name: 'Ana' }, kind: 'text', text: 'Hola, soy Ana', payload: null, createdAt: 2 },
      ],
    });
    chat.send('Una cosa más');
    expect(conn.ofType('message.send')[0]).toMatchObject({ conversationId: 'cv_old', text: 'Una cosa más' });
    conn.receive({ type: 'ack', clientId: conn.ofType('message.send')[0]!.clientId as string, conversationId: 'cv_old', messageId: 'm3', seq: 3, createdAt: 3, duplicate: false });
    expect(chat.items.value.map((i) => i.text)).toEqual(['Hola', 'Hola, soy Ana', 'Una cosa más']);
  });

  it('marks a send the server will never take as failed and stops resending it; keeps a rate-limited one for later', () => {
    const storage = memoryStorage();
    const { chat, conn } = chatWith(storage);
    chat.start();
    conn.receive(welcome());
    chat.send('demasiado');
    const ref = conn.ofType('message.send')[0]!.clientId as string;
    conn.receive({ type: 'error', code: 'bad_frame', ref, message: 'no' });
    expect(chat.items.value[0]).toMatchObject({ text: 'demasiado', state: 'failed' });
    expect(readOutbox(safeStore(storage), 'mostrador:pk_test:outbox')).toEqual([]);

    chat.send('despacio');
    const later = conn.ofType('message.send')[1]!.clientId as string;
    conn.receive({ type: 'error', code: 'rate_limited', ref: later, retryAfterMs: 60_000 });
    expect(chat.notice.value).toBe('slow_down');
    expect(chat.items.value[1]).toMatchObject({ text: 'despacio', state: 'sending' });
    expect(readOutbox(safeStore(storage), 'mostrador:pk_test:outbox').map((x) => x.text)).toEqual(['despacio']);
    chat.shutdown();
  });

  it('after a reconnect catches up from the last seq it holds, resends the unacked send once, and shows duplicates once', () => {
    const { chat, conn } = chatWith();
    const m = (seq: number, over: Partial<Message> = {}): Message => ({ id: `m${seq}`, conversationId: 'cv_1', seq, clientId: null, author: { kind: 'agent', id: 'ag_ana', name: 'Ana' }, kind: 'text', text: `t${seq}`, payload: null, createdAt: seq, ...over });
    chat.start();
    conn.receive(welcome([{ id: 'cv_1', status: 'assigned' }]));
    conn.receive({ type: 'sync.result', conversationId: 'cv_1', messages: [m(1), m(2)], hasMore: false });
    chat.send('¿Sigues ahí?');
    const send = conn.ofType('message.send')[0]!;
    // The socket drops before the ack; meanwhile the agent wrote seq 3 and the shopper's send took 4.
    conn.reopen();
    conn.receive(welcome([{ id: 'cv_1', status: 'assigned' }]));
    expect(conn.ofType('sync').at(-1)).toEqual({ type: 'sync', conversationId: 'cv_1', afterSeq: 2 });
    expect(conn.ofType('message.send').map((f) => f.clientId)).toEqual([send.clientId, send.clientId]);
    const mine = m(4, { clientId: send.clientId as string, author: { kind: 'visitor' }, text: '¿Sigues ahí?' });
    conn.receive({ type: 'sync.result', conversationId: 'cv_1', messages: [m(3), mine], hasMore: false });
    // The late live frames and the duplicate ack of the resend change nothing.
    conn.receive({ type: 'message.created', message: m(3) });
    conn.receive({ type: 'message.created', message: mine });
    conn.receive({ type: 'ack', clientId: send.clientId as string, conversationId: 'cv_1', messageId: 'm4', seq: 4, createdAt: 4, duplicate: true });
    expect(chat.items.value.map((i) => [i.seq, i.text, i.state])).toEqual([
      [1, 't1', 'sent'],
      [2, 't2', 'sent'],
      [3, 't3', 'sent'],
      [4, '¿Sigues ahí?', 'sent'],
    ]);
    // A frame past a gap asks for the rest instead of showing it out of order.
    conn.receive({ type: 'message.created', message: m(6) });
    expect(conn.ofType('sync').at(-1)).toEqual({ type: 'sync', conversationId: 'cv_1', afterSeq: 4 });
    expect(chat.items.value).toHaveLength(4);
  });

  it('follows a message from a new conversation while a resolved one is shown, starting its read state and log afresh', () => {
    const { chat, conn } = chatWith();
    chat.start();
    conn.receive({ ...welcome([{ id: 'cv_old', status: 'resolved' }]), conversations: [{ id: 'cv_old', status: 'resolved', lastSeq: 2, readSeq: 2, seenSeq: 2, updatedAt: 1 }] } as VisitorServerFrame);
    conn.receive({ type: 'sync.result', conversationId: 'cv_old', hasMore: false, messages: [{ id: 'm1', conversationId: 'cv_old', seq: 1, clientId: null, author: { kind: 'bot' }, kind: 'text', text: 'Hola', payload: null, createdAt: 1 }] });
    expect([chat.readSeq.value, chat.seenSeq.value]).toEqual([2, 2]);
    conn.receive({ type: 'message.created', message: { id: 'n1', conversationId: 'cv_new', seq: 1, clientId: null, author: { kind: 'agent', id: 'ag_ana', name: 'Ana' }, kind: 'text', text: '¿Te ayudo?', payload: null, createdAt: 5 } });
    expect(chat.current.value).toBe('cv_new');
    expect([chat.readSeq.value, chat.seenSeq.value]).toEqual([0, 0]);
    expect(chat.items.value.map((i) => i.text)).toEqual(['¿Te ayudo?']);
    // Another shopper on this device: nothing of the previous one is kept.
    chat.identify({ id: 'cust_1' });
    chat.identify({ id: 'cust_2' });
    expect([chat.current.value, chat.items.value, chat.conversations.value]).toEqual([null, [], []]);
  });
});
