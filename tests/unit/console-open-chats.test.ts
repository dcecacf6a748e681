/**
 * The chats open in the console (console/state/open-chats.ts), with the connection, the clock
 * and the selection passed in: paging, catch-up by seq, duplicates and gaps, sends with resend
 * after a reconnect, typing and read receipts.
 */
import { describe, expect, it } from 'vitest';
import { signal } from '@preact/signals';
import { createOpenChats, PAGE } from '../../console/state/open-chats';
import { LIMITS } from '../../shared/limits';
import type { AgentClientFrame, Message } from '../../shared/protocol';
import { manualClock } from '../helpers/clock';

const msg = (conversationId: string, seq: number, over: Partial<Message> = {}): Message => ({
  id: `${conversationId}-m${seq}`,
  conversationId,
  seq,
  clientId: null,
  author: { kind: 'visitor' },
  kind: 'text',
  text: `texto ${seq}`,
  payload: null,
  createdAt: seq,
  ...over,
});

function model() {
  const time = manualClock();
  const sent: AgentClientFrame[] = [];
  let ready = true;
  let n = 0;
  const selectedId = signal<string | null>(null);
  const chats = createOpenChats(
    { send: (f) => sent.push(f), ready: () => ready, newId: () => `c_${++n}xxxxxx` },
    time.clock,
    { kind: 'agent', id: 'ag_ana', name: 'Ana' },
    selectedId,
  );
  const select = (id: string) => {
    selectedId.value = id;
    chats.open(id);
    chats.refresh();
  };
  /** Opens `id` and answers its newest page with `seqs`. */
  const opened = (id: string, seqs: number[], hasMore = false) => {
    select(id);
    chats.frame({ type: 'history.result', conversationId: id, messages: seqs.map((s) => msg(id, s)), hasMore });
  };
  const of = <T extends AgentClientFrame['type']>(type: T) => sent.filter((f): f is Extract<AgentClientFrame, { type: T }> => f.type === type);
  return { chats, time, sent, of, select, opened, selectedId, setReady: (r: boolean) => (ready = r), shown: () => chats.selectedItems.value.map((i) => i.seq) };
}

describe('chats open in the console', () => {
  it('load the newest page the first time they open (telling the server to watch them), and catch up by seq when opened again', () => {
    const m = model();
    m.select('c1');
    expect(m.of('history')).toEqual([{ type: 'history', conversationId: 'c1', beforeSeq: 2_147_483_647, limit: PAGE }]);
    expect(m.of('watch')).toEqual([{ type: 'watch', conversationIds: ['c1'] }]);
    m.chats.frame({ type: 'history.result', conversationId: 'c1', messages: [msg('c1', 5), msg('c1', 6)], hasMore: true });
    expect(m.shown()).toEqual([5, 6]);
    expect(m.chats.selectedHasEarlier.value).toBe(true);
    // What arrived while the page was on its way.
    expect(m.of('sync').at(-1)).toEqual({ type: 'sync', conversationId: 'c1', afterSeq: 6 });
    m.select('c2');
    m.select('c1');
    expect(m.of('sync').at(-1)).toEqual({ type: 'sync', conversationId: 'c1', afterSeq: 6 });
    expect(m.of('watch').at(-1)).toEqual({ type: 'watch', conversationIds: ['c1', 'c2'] });
    expect(m.of('history')).toHaveLength(2);
  });

  it('hold live messages back until the newest page is in, then take them in order once', () => {
    const m = model();
    m.select('c1');
    m.chats.frame({ type: 'message.created', message: msg('c1', 7) });
    expect(m.shown()).toEqual([]);
    m.chats.frame({ type: 'history.result', conversationId: 'c1', messages: [msg('c1', 5), msg('c1', 6)], hasMore: false });
    m.chats.frame({ type: 'sync.result', conversationId: 'c1', messages: [msg('c1', 7)], hasMore: false });
    m.chats.frame({ type: 'message.created', message: msg('c1', 7) });
    expect(m.shown()).toEqual([5, 6, 7]);
  });

  it('ignore duplicate frames, ask for the rest after a gap, and page a long catch-up until it stops moving', () => {
    const m = model();
    m.opened('c1', [1, 2]);
    const syncs = m.of('sync').length;
    m.chats.frame({ type: 'message.created', message: msg('c1', 2) });
    m.chats.frame({ type: 'message.created', message: msg('c1', 3) });
    m.chats.frame({ type: 'message.created', message: msg('c1', 3) });
    expect(m.shown()).toEqual([1, 2, 3]);
    expect(m.of('sync')).toHaveLength(syncs);
    m.chats.frame({ type: 'message.created', message: msg('c1', 6) });
    expect(m.shown()).toEqual([1, 2, 3]);
    expect(m.of('sync').at(-1)).toEqual({ type: 'sync', conversationId: 'c1', afterSeq: 3 });
    m.chats.frame({ type: 'sync.result', conversationId: 'c1', messages: [msg('c1', 4), msg('c1', 5)], hasMore: true });
    expect(m.of('sync').at(-1)).toEqual({ type: 'sync', conversationId: 'c1', afterSeq: 5 });
    m.chats.frame({ type: 'sync.result', conversationId: 'c1', messages: [msg('c1', 9)], hasMore: true });
    expect(m.of('sync')).toHaveLength(syncs + 2);
    // Messages of chats not open here are not theirs (the list takes them).
    m.chats.frame({ type: 'message.created', message: msg('c9', 1) });
    m.chats.frame({ type: 'sync.result', conversationId: 'c9', messages: [msg('c9', 1)], hasMore: true });
    expect(m.of('sync')).toHaveLength(syncs + 2);
  });

  it('load earlier pages on demand, and down to the message a search result points at', () => {
    const m = model();
    m.opened('c1', [301, 302], true);
    m.chats.loadEarlier();
    expect(m.of('history').at(-1)).toEqual({ type: 'history', conversationId: 'c1', beforeSeq: 301, limit: PAGE });
    m.chats.frame({ type: 'history.result', conversationId: 'c1', messages: [msg('c1', 299), msg('c1', 300)], hasMore: false });
    expect(m.shown()).toEqual([299, 300, 301, 302]);
    expect(m.chats.selectedHasEarlier.value).toBe(false);
    const asked = m.of('history').length;
    m.chats.loadEarlier();
    expect(m.of('history')).toHaveLength(asked);

    const f = model();
    f.chats.focus.value = { conversationId: 'c2', seq: 10 };
    f.opened('c2', [300, 301], true);
    expect(f.of('history').at(-1)).toEqual({ type: 'history', conversationId: 'c2', beforeSeq: 300, limit: PAGE });
    f.chats.frame({ type: 'history.result', conversationId: 'c2', messages: [msg('c2', 200), msg('c2', 299)], hasMore: true });
    expect(f.of('history').at(-1)).toMatchObject({ beforeSeq: 200 });
    f.chats.frame({ type: 'history.result', conversationId: 'c2', messages: [msg('c2', 10), msg('c2', 11)], hasMore: true });
    const n = f.of('history').length;
    f.chats.loadUntilFocus('c2');
    expect(f.of('history')).toHaveLength(n);
  });

  it(`keep at most ${LIMITS.agentWatch} open, dropping the oldest that is not selected`, () => {
    const m = model();
    for (let i = 0; i <= LIMITS.agentWatch; i++) m.select(`c${i}`);
    const watched = m.of('watch').at(-1)!.conversationIds;
    expect(watched).toHaveLength(LIMITS.agentWatch);
    expect(watched[0]).toBe('c1');
    expect(watched.at(-1)).toBe(`c${LIMITS.agentWatch}`);
  });
});

describe('the agent’s sends', () => {
  it('show at once, go when connected, go again with the same clientId and files after a reconnect, and show sent once acked', () => {
    const m = model();
    m.opened('c1', [1]);
    m.setReady(false);
    const label = { id: 'file_1', name: 'etiqueta.pdf', contentType: 'application/pdf', size: 10 };
    m.chats.send('  Te lo miro  ', 'text', true, [label]);
    expect(m.chats.selectedItems.value.at(-1)).toMatchObject({ text: 'Te lo miro', state: 'sending', author: { kind: 'agent', id: 'ag_ana' } });
    expect(m.of('message.send')).toEqual([]);
    m.setReady(true);
    m.chats.welcome();
    expect(m.of('watch').at(-1)).toEqual({ type: 'watch', conversationIds: ['c1'] });
    expect(m.of('sync').at(-1)).toEqual({ type: 'sync', conversationId: 'c1', afterSeq: 1 });
    expect(m.of('message.send')).toEqual([{ type: 'message.send', conversationId: 'c1', clientId: 'c_1xxxxxx', text: 'Te lo miro', kind: 'text', attachments: ['file_1'] }]);
    m.chats.welcome();
    expect(m.of('message.send').map((f) => f.clientId)).toEqual(['c_1xxxxxx', 'c_1xxxxxx']);
    m.chats.frame({ type: 'ack', clientId: 'c_1xxxxxx', conversationId: 'c1', messageId: 'm2', seq: 2, createdAt: 2, duplicate: false });
    expect(m.chats.selectedItems.value.at(-1)).toMatchObject({ seq: 2, state: 'sent' });
    m.chats.welcome();
    expect(m.of('message.send')).toHaveLength(2);
  });

  it('send by e-mail only replies, not notes; nothing without text or files or without an open chat', () => {
    const m = model();
    m.chats.send('sin chat');
    m.opened('c1', []);
    m.chats.send('nota interna', 'note', true);
    m.chats.send('respuesta', 'text', true);
    m.chats.send('   ');
    expect(m.of('message.send').map((f) => [f.kind, f.byEmail])).toEqual([
      ['note', undefined],
      ['text', true],
    ]);
  });

  it('a refusal for good shows the send failed; a retryable one leaves it sending; retry sends it again', () => {
    const m = model();
    m.opened('c1', []);
    m.chats.send('uno');
    m.chats.send('dos');
    m.chats.frame({ type: 'error', code: 'bad_frame', ref: 'c_1xxxxxx' });
    m.chats.frame({ type: 'error', code: 'store_unavailable', ref: 'c_2xxxxxx' });
    m.chats.frame({ type: 'error', code: 'bad_frame' });
    expect(m.chats.selectedItems.value.map((i) => i.state)).toEqual(['failed', 'sending']);
    m.chats.retry('c_1xxxxxx');
    expect(m.chats.selectedItems.value.map((i) => i.state)).toEqual(['sending', 'sending']);
    expect(m.of('message.send').map((f) => f.clientId)).toEqual(['c_1xxxxxx', 'c_2xxxxxx', 'c_1xxxxxx']);
  });
});

describe('the agent’s typing and read receipts', () => {
  it('typing: one "on" every 3 s at most, "off" only after an "on", and a reply ends it first', () => {
    const m = model();
    m.opened('c1', [1]);
    m.chats.sendTyping(false);
    m.chats.sendTyping(true);
    m.time.tick(2_999);
    m.chats.sendTyping(true);
    m.time.tick(1);
    m.chats.sendTyping(true);
    m.chats.send('hola');
    expect(m.sent.filter((f) => f.type === 'typing' || f.type === 'message.send').map((f) => (f.type === 'typing' ? `typing ${f.on}` : f.type))).toEqual(['typing true', 'typing true', 'typing false', 'message.send']);
  });

  it('read: up to the last seq shown, only when it moved, per chat', () => {
    const m = model();
    m.chats.markRead();
    m.opened('c1', [1, 2]);
    m.chats.markRead();
    m.chats.markRead();
    m.opened('c2', [1]);
    m.chats.markRead();
    m.select('c1');
    m.chats.frame({ type: 'message.created', message: msg('c1', 3) });
    m.chats.markRead();
    expect(m.of('read')).toEqual([
      { type: 'read', conversationId: 'c1', seq: 2 },
      { type: 'read', conversationId: 'c2', seq: 1 },
      { type: 'read', conversationId: 'c1', seq: 3 },
    ]);
  });
});
