// @vitest-environment happy-dom
/**
 * The console's inbox and its live-visitors model with the connection passed in: what they send
 * and keep for the frames the server sends, without a browser or a server.
 */
import { describe, expect, it } from 'vitest';
import { createInbox, type IncomingEvent, type InboxTransport } from '../../console/state/inbox';
import { createLiveVisitors } from '../../console/state/live-visitors';
import { createActions } from '../../console/state/actions';
import type { ReconnectingSocketOptions } from '../../shared/reconnecting-socket';
import type { AgentClientFrame, AgentServerFrame, ConversationSummary, Message, VisitorSummary } from '../../shared/protocol';

const row = (visitorId: string, since: number, over: Partial<VisitorSummary> = {}): VisitorSummary => ({
  visitorId,
  online: true,
  url: '/demo/',
  title: 'Tienda',
  since,
  pageCount: 1,
  cart: null,
  name: null,
  identified: false,
  verified: false,
  returning: false,
  timeZone: null,
  ...over,
});
const counts = (online: number, total: number) => ({ online, total });

function agentWelcome(conversations: ConversationSummary[] = [], visitors: VisitorSummary[] = [], visitorsMore = false): Extract<AgentServerFrame, { type: 'welcome' }> {
  return {
    type: 'welcome',
    v: 1,
    agent: { id: 'ag_ana', name: 'Ana', email: 'ana@example.com', role: 'agent' },
    conversations,
    visitors,
    visitorsMore,
    visitorCounts: counts(visitors.length, visitors.length),
    team: [{ id: 'ag_ana', name: 'Ana', status: 'online' }],
    status: 'online',
  };
}

describe('live visitors in the console', () => {
  function model(ready = true) {
    const sent: AgentClientFrame[] = [];
    const live = createLiveVisitors({ send: (f) => sent.push(f), ready: () => ready });
    return { live, sent };
  }

  it('changes loaded rows from deltas, adds new ones only while the whole list is loaded, and drops the gone', () => {
    const { live } = model();
    live.welcome(agentWelcome([], [row('v1', 1), row('v2', 2)], false));
    expect(live.handle({ type: 'visitors.delta', visitors: [row('v1', 1, { pageCount: 3 }), row('v3', 3)], gone: ['v2'], counts: counts(2, 2) })).toBe(true);
    expect([...live.visitors.value.keys()].sort()).toEqual(['v1', 'v3']);
    expect(live.visitors.value.get('v1')?.pageCount).toBe(3);
    expect(live.counts.value).toEqual(counts(2, 2));

    // With more pages on the server, a new row waits for its page: it would land out of order.
    const paged = model().live;
    paged.welcome(agentWelcome([], [row('v1', 1)], true));
    paged.handle({ type: 'visitors.delta', visitors: [row('v9', 9)], gone: [], counts: counts(40, 40) });
    expect([...paged.visitors.value.keys()]).toEqual(['v1']);
    expect(paged.counts.value).toEqual(counts(40, 40));
  });

  it('loads the next page after the last row in list order, only while there is more and once connected', () => {
    const { live, sent } = model();
    live.welcome(agentWelcome([], [row('v1', 5), row('v2', 3, { online: false })], true));
    live.loadMore();
    // Online first, then by time on the site: the offline v2 is the last row.
    expect(sent).toEqual([{ type: 'visitors.list', after: { online: false, since: 3, visitorId: 'v2' } }]);
    live.handle({ type: 'visitors.page', visitors: [row('v3', 1, { online: false })], hasMore: false, counts: counts(1, 3) });
    expect(live.visitors.value.size).toBe(3);
    live.loadMore();
    expect(sent).toHaveLength(1);
    const offline = model(false);
    offline.live.welcome(agentWelcome([], [row('v1', 1)], true));
    offline.live.loadMore();
    expect(offline.sent).toEqual([]);
  });

  it('follows the watched shopper: asks now, again when their row changes and after a reconnect, and forgets them when gone', () => {
    const { live, sent } = model();
    live.welcome(agentWelcome([], [row('v1', 1)]));
    live.watch('v1');
    expect(sent).toEqual([{ type: 'visitor.get', visitorId: 'v1' }]);
    const detail = { type: 'visitor.detail', visitorId: 'v1', online: true, url: '/demo/', title: 'Tienda', pages: [], cart: null, since: 1 } as unknown as Extract<AgentServerFrame, { type: 'visitor.detail' }>;
    live.handle(detail);
    expect(live.presence.value).toBe(detail);
    live.handle({ ...detail, visitorId: 'v2' });
    expect(live.presence.value).toBe(detail);
    live.handle({ type: 'visitors.delta', visitors: [row('v1', 1, { pageCount: 2 })], gone: [], counts: counts(1, 1) });
    live.welcome(agentWelcome([], [row('v1', 1)]));
    expect(sent.filter((f) => f.type === 'visitor.get')).toHaveLength(3);
    live.handle({ type: 'error', code: 'not_found', ref: 'v1' });
    expect(live.presence.value).toBeNull();
    // Other errors are not about live visitors.
    expect(live.handle({ type: 'error', code: 'not_found', ref: 'c_other' })).toBe(false);
  });
});

describe('conversation actions in the console', () => {
  function model(ready = true) {
    const sent: AgentClientFrame[] = [];
    let n = 0;
    const actions = createActions({ send: (f) => sent.push(f), ready: () => ready, newId: () => `id${++n}xxxxxx` });
    return { actions, sent };
  }

  it('sends what the agent saw, so a change another agent made first is refused, and shows the refusal', () => {
    const { actions, sent } = model();
    actions.act({ id: 'c1', status: 'queued', assigneeId: null }, 'take');
    expect(sent[0]).toEqual({ type: 'conversation.action', clientId: 'id1xxxxxx', conversationId: 'c1', action: 'take', seen: { status: 'queued', assigneeId: null } });
    expect(actions.refused({ type: 'error', code: 'conflict', ref: 'id1xxxxxx', message: 'taken by Luis' })).toBe(true);
    expect(actions.actionError.value).toEqual({ code: 'conflict', message: 'taken by Luis' });
    // The next action clears it; an error for something else is not the actions'.
    actions.act({ id: 'c1' }, 'transfer', { team: 'Devoluciones', note: '  mira el pedido  ' });
    expect(sent[1]).toEqual({ type: 'conversation.action', clientId: 'id2xxxxxx', conversationId: 'c1', action: 'transfer', team: 'Devoluciones', note: 'mira el pedido' });
    expect(actions.actionError.value).toBeNull();
    expect(actions.refused({ type: 'error', code: 'bad_frame', ref: 'someone-else' })).toBe(false);
    expect(actions.acked({ type: 'ack', clientId: 'id2xxxxxx', conversationId: 'c1', messageId: 'm', seq: 3, createdAt: 1, duplicate: false })).toBe(false);
  });

  it('tells which chat a start opened, or why it failed, and sends nothing before the welcome', () => {
    const { actions, sent } = model();
    actions.startChat('v1', '  ¿Te ayudo?  ');
    expect(sent[0]).toEqual({ type: 'visitor.chat', clientId: 'id1xxxxxx', visitorId: 'v1', text: '¿Te ayudo?' });
    expect(actions.acked({ type: 'ack', clientId: 'id1xxxxxx', conversationId: 'c9', messageId: 'm', seq: 1, createdAt: 1, duplicate: false })).toBe(true);
    expect(actions.started.value).toEqual({ conversationId: 'c9' });
    actions.startChat('v2', 'Hola');
    expect(actions.refused({ type: 'error', code: 'not_found', ref: 'id2xxxxxx', message: 'gone' })).toBe(true);
    expect(actions.startError.value).toEqual({ code: 'not_found', message: 'gone' });
    actions.startChat('v3', '   ');
    const early = model(false);
    early.actions.startChat('v1', 'Hola');
    early.actions.act({ id: 'c1' }, 'resolve');
    expect(early.sent).toEqual([]);
    expect(sent).toHaveLength(2);
  });
});

describe('the inbox', () => {
  function inboxWithFake(onIncoming?: (e: IncomingEvent) => void) {
    const sent: Record<string, unknown>[] = [];
    let handlers!: ReconnectingSocketOptions<AgentServerFrame>;
    const transport = (h: ReconnectingSocketOptions<AgentServerFrame>): InboxTransport => {
      handlers = h;
      return {
        start: () => h.onOpen(),
        stop: () => undefined,
        send: (f: object) => (sent.push(f as Record<string, unknown>), true),
        resetBackoff: () => undefined,
      } as InboxTransport;
    };
    const inbox = createInbox({ id: 'ag_ana', name: 'Ana', email: 'ana@example.com', role: 'agent' } as never, { socketUrl: 'ws://unused', onSessionEnded: () => undefined, transport, ...(onIncoming ? { onIncoming } : {}) });
    inbox.start();
    return { inbox, sent, receive: (f: AgentServerFrame) => handlers.onFrame(f), ofType: (t: string) => sent.filter((f) => f.type === t) };
  }
  const summary = (id: string, over: Partial<ConversationSummary> = {}): ConversationSummary => ({
    id,
    status: 'queued',
    lastSeq: 1,
    visitorId: `v_${id}`,
    visitorName: '',
    visitorEmail: null,
    verified: false,
    assigneeId: null,
    visitorReadSeq: 0,
    lastMessage: { text: 'Hola', authorKind: 'visitor', createdAt: 1 },
    createdAt: 1,
    updatedAt: 1,
    ...over,
  });
  const message = (conversationId: string, seq: number, text: string, kind: Message['author']['kind'] = 'visitor'): Message =>
    ({ id: `m${seq}`, conversationId, seq, clientId: null, author: { kind }, kind: 'text', text, payload: null, createdAt: seq } as Message);

  it('says hello, lists the conversations, counts unread for the chats not open, and clears them on select', () => {
    const { inbox, ofType, receive } = inboxWithFake();
    expect(ofType('hello')).toHaveLength(1);
    receive(agentWelcome([summary('c1'), summary('c2', { updatedAt: 5 })]));
    expect(inbox.conversations.value.map((c) => c.id)).toEqual(['c2', 'c1']);
    receive({ type: 'message.created', message: message('c1', 2, '¿Seguís ahí?') });
    expect(inbox.unread.value.get('c1')).toBe(1);
    expect(inbox.conversations.value.find((c) => c.id === 'c1')?.lastMessage?.text).toBe('¿Seguís ahí?');
    inbox.select('c1');
    expect(inbox.unread.value.get('c1')).toBeUndefined();
    // The newest page of a chat opened for the first time.
    expect(ofType('history')[0]).toMatchObject({ conversationId: 'c1', limit: 100 });
  });

  it('tells the server which chats are open (after each welcome and each newly opened chat), and takes coalesced updates for the rest', () => {
    const { inbox, ofType, receive } = inboxWithFake();
    receive(agentWelcome([summary('c1'), summary('c2', { updatedAt: 5 })]));
    expect(ofType('watch').at(-1)).toEqual({ type: 'watch', conversationIds: [] });
    inbox.select('c1');
    expect(ofType('watch').at(-1)).toEqual({ type: 'watch', conversationIds: ['c1'] });
    // Three shopper messages and a bot reply in c2, as one list update.
    receive({
      type: 'conversations.touched',
      items: [{ conversationId: 'c2', lastSeq: 5, updatedAt: 50, lastMessage: { text: 'Te ayudo', authorKind: 'bot', createdAt: 50 }, visitorMessages: 3 }],
    });
    expect(inbox.unread.value.get('c2')).toBe(3);
    expect(inbox.conversations.value[0]).toMatchObject({ id: 'c2', lastSeq: 5, lastMessage: { text: 'Te ayudo', authorKind: 'bot' } });
    // An older update (already seen) changes nothing.
    receive({
      type: 'conversations.touched',
      items: [{ conversationId: 'c2', lastSeq: 4, updatedAt: 40, lastMessage: { text: 'viejo', authorKind: 'visitor', createdAt: 40 }, visitorMessages: 0 }],
    });
    expect(inbox.conversations.value[0]?.lastMessage?.text).toBe('Te ayudo');
    // After a reconnect the open chats are told again.
    receive(agentWelcome([summary('c1'), summary('c2', { updatedAt: 50 })]));
    expect(ofType('watch').at(-1)).toEqual({ type: 'watch', conversationIds: ['c1'] });
  });

  it('resends a reply typed while disconnected after the next welcome, once acked shows it sent, and a refused one as failed', () => {
    const { inbox, ofType, receive } = inboxWithFake();
    receive(agentWelcome([summary('c1')]));
    inbox.select('c1');
    receive({ type: 'history.result', conversationId: 'c1', messages: [message('c1', 1, 'Hola')], hasMore: false });
    inbox.send('Te ayudo ahora');
    const first = ofType('message.send')[0]!;
    expect(first).toMatchObject({ conversationId: 'c1', text: 'Te ayudo ahora', kind: 'text' });
    // The connection drops and comes back: the unacked reply goes again with the same clientId.
    receive(agentWelcome([summary('c1')]));
    expect(ofType('message.send').map((f) => f.clientId)).toEqual([first.clientId, first.clientId]);
    receive({ type: 'ack', clientId: first.clientId as string, conversationId: 'c1', messageId: 'm2', seq: 2, createdAt: 2, duplicate: false });
    expect(inbox.selectedItems.value.map((i) => [i.text, i.state])).toEqual([
      ['Hola', 'sent'],
      ['Te ayudo ahora', 'sent'],
    ]);
    inbox.send('x'.repeat(10));
    const refused = ofType('message.send').at(-1)!;
    receive({ type: 'error', code: 'bad_frame', ref: refused.clientId as string });
    expect(inbox.selectedItems.value.at(-1)).toMatchObject({ state: 'failed' });
  });
  it('sends the files of a message by id, shows them while pending, and resends them after a reconnect', () => {
    const { inbox, ofType, receive } = inboxWithFake();
    receive(agentWelcome([summary('c1')]));
    inbox.select('c1');
    receive({ type: 'history.result', conversationId: 'c1', messages: [message('c1', 1, 'Hola')], hasMore: false });
    const label = { id: 'file_1', name: 'etiqueta.pdf', contentType: 'application/pdf', size: 1234, url: '/files/file_1/etiqueta.pdf?exp=1&sig=x' };
    inbox.send('', 'text', false, [label]);
    const first = ofType('message.send')[0]!;
    expect(first).toMatchObject({ conversationId: 'c1', text: '', kind: 'text', attachments: ['file_1'] });
    expect(inbox.selectedItems.value.at(-1)).toMatchObject({ state: 'sending', payload: { attachments: [label] } });
    receive(agentWelcome([summary('c1')]));
    expect(ofType('message.send').at(-1)).toMatchObject({ clientId: first.clientId, attachments: ['file_1'] });
    // Nothing to send: no text and no files.
    inbox.send('   ', 'text', false, []);
    expect(ofType('message.send')).toHaveLength(2);
  });

  it('tells of new chats and shopper messages (one per coalesced chat), not of the open chat’s count, and opens a chat the agent started in their view', () => {
    const events: IncomingEvent[] = [];
    const { inbox, ofType, receive } = inboxWithFake((e) => events.push(e));
    receive(agentWelcome([summary('c1'), summary('c2')]));
    inbox.select('c1');
    receive({ type: 'conversation.updated', conversation: summary('c3', { updatedAt: 9 }) });
    receive({ type: 'conversation.updated', conversation: summary('c3', { updatedAt: 10, status: 'assigned' }) });
    receive({
      type: 'conversations.touched',
      items: [
        { conversationId: 'c1', lastSeq: 4, updatedAt: 40, lastMessage: { text: 'aquí', authorKind: 'visitor', createdAt: 40 }, visitorMessages: 2 },
        { conversationId: 'c2', lastSeq: 3, updatedAt: 30, lastMessage: { text: 'hola', authorKind: 'visitor', createdAt: 30 }, visitorMessages: 1 },
        { conversationId: 'c3', lastSeq: 2, updatedAt: 50, lastMessage: { text: 'bot', authorKind: 'bot', createdAt: 50 }, visitorMessages: 0 },
      ],
    });
    expect(events.map((e) => [e.kind, e.conversationId])).toEqual([
      ['conversation', 'c3'],
      ['message', 'c1'],
      ['message', 'c2'],
    ]);
    // The open chat (the page is visible) counts nothing; the others do.
    expect(Object.fromEntries(inbox.unread.value)).toEqual({ c2: 1 });
    inbox.startChat('v_9', 'Hola, ¿te ayudo?');
    const start = ofType('visitor.chat')[0]!;
    receive({ type: 'ack', clientId: start.clientId as string, conversationId: 'c9', messageId: 'm1', seq: 1, createdAt: 1, duplicate: false });
    expect([inbox.view.value, inbox.selectedId.value]).toEqual(['mine', 'c9']);
    expect(ofType('history').at(-1)).toMatchObject({ conversationId: 'c9' });
  });
});
