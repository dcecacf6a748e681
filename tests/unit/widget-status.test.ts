/**
 * The panel's conversations and where the one shown stands (widget/app/state/status.ts): which
 * conversation is shown after a welcome, an identify, a message or an update; its status, queue
 * place and the team's availability.
 */
import { describe, expect, it } from 'vitest';
import { createStatus } from '../../widget/app/state/status';
import { signal } from '../../widget/app/state/signal';
import type { ConversationStatus, VisitorConversation, VisitorServerFrame } from '../../shared/protocol';

const conv = (id: string, status: ConversationStatus, readSeq = 0): VisitorConversation => ({ id, status, lastSeq: 3, readSeq, updatedAt: 1 });
const welcome = (conversations: VisitorConversation[], replyMin?: number): Extract<VisitorServerFrame, { type: 'welcome' }> => ({
  type: 'welcome',
  v: 1,
  token: 't',
  visitorId: 'v_1',
  conversations,
  availability: { available: false, names: [], backAt: 99 },
  profile: { name: null, email: null },
  ...(replyMin ? { replyMin } : {}),
});
const updated = (id: string, status: ConversationStatus) => ({ type: 'conversation.updated', conversation: { id, status } }) as Extract<VisitorServerFrame, { type: 'conversation.updated' }>;

function model(shownAt: string | null = null) {
  const current = signal<string | null>(shownAt);
  const shows: string[] = [];
  const st = createStatus(current, (id) => {
    if (id !== current.value) shows.push(id);
    current.value = id;
  });
  return { st, current, shows };
}

describe('the panel’s conversation status', () => {
  it('a welcome shows the open conversation, else the newest, with its status; availability and reply time come with it', () => {
    const { st, current } = model();
    expect(st.welcome(welcome([conv('cv_new', 'resolved'), conv('cv_open', 'assigned', 4)], 3))).toMatchObject({ id: 'cv_open', readSeq: 4 });
    expect([current.value, st.status.value]).toEqual(['cv_open', 'assigned']);
    expect(st.availability.value).toEqual({ available: false, names: [], backAt: 99 });
    expect(st.replyMin.value).toBe(3);
    expect(st.conversations.value.map((c) => c.id)).toEqual(['cv_new', 'cv_open']);

    const past = model();
    expect(past.st.welcome(welcome([conv('cv_b', 'resolved'), conv('cv_a', 'resolved')]))?.id).toBe('cv_b');
    expect(past.st.status.value).toBe('resolved');
    expect(past.st.replyMin.value).toBeNull();

    const first = model();
    expect(first.st.welcome(welcome([]))).toBeUndefined();
    expect(first.shows).toEqual([]);
  });

  it('an identify shows the customer’s open conversation when none is shown or the one shown is resolved, never over an open one', () => {
    const none = model();
    expect(none.st.identified([conv('cv_9', 'queued')])).toBe(true);
    expect([none.current.value, none.st.status.value]).toEqual(['cv_9', 'queued']);

    const resolved = model();
    resolved.st.welcome(welcome([conv('cv_1', 'resolved')]));
    expect(resolved.st.identified([conv('cv_9', 'assigned'), conv('cv_1', 'resolved')])).toBe(true);
    expect(resolved.current.value).toBe('cv_9');

    const open = model();
    open.st.welcome(welcome([conv('cv_1', 'bot')]));
    expect(open.st.identified([conv('cv_9', 'assigned'), conv('cv_1', 'bot')])).toBe(false);
    expect(open.current.value).toBe('cv_1');
    expect(open.st.conversations.value).toHaveLength(2);

    const allResolved = model();
    expect(allResolved.st.identified([conv('cv_1', 'resolved')])).toBe(false);
    expect(allResolved.current.value).toBeNull();
  });

  it('follows a message to its conversation when none is shown, or when the one shown is resolved', () => {
    const m = model();
    m.st.follow('cv_1');
    expect(m.current.value).toBe('cv_1');
    m.st.frame(updated('cv_1', 'assigned'));
    m.st.follow('cv_2');
    expect(m.current.value).toBe('cv_1');
    m.st.frame(updated('cv_1', 'resolved'));
    m.st.follow('cv_2');
    expect(m.current.value).toBe('cv_2');
    expect(m.shows).toEqual(['cv_1', 'cv_2']);
  });

  it('takes updates and queue places of the conversation shown (or the first one) only; leaving the queue forgets the place', () => {
    const m = model();
    m.st.frame({ type: 'queue', conversationId: 'cv_1', position: 3, estimatedWaitMs: 60_000 });
    expect(m.st.queue.value).toEqual({ position: 3, estimatedWaitMs: 60_000 });
    m.st.frame(updated('cv_1', 'queued'));
    expect([m.current.value, m.st.status.value]).toEqual(['cv_1', 'queued']);
    m.st.frame({ type: 'queue', conversationId: 'cv_other', position: 9, estimatedWaitMs: null });
    m.st.frame(updated('cv_other', 'resolved'));
    expect(m.st.queue.value).toEqual({ position: 3, estimatedWaitMs: 60_000 });
    expect(m.st.status.value).toBe('queued');
    m.st.frame({ type: 'queue', conversationId: 'cv_1', position: 1, estimatedWaitMs: null });
    expect(m.st.queue.value?.position).toBe(1);
    m.st.frame(updated('cv_1', 'assigned'));
    expect(m.st.queue.value).toBeNull();
  });

  it('availability frames replace what the welcome said (no "back at" when not given; the shop\'s time zone with it when given)', () => {
    const m = model();
    m.st.welcome(welcome([]));
    m.st.frame({ type: 'availability', available: false, names: [], backAt: 5, timeZone: 'Europe/Madrid' });
    expect(m.st.availability.value).toEqual({ available: false, names: [], backAt: 5, timeZone: 'Europe/Madrid' });
    m.st.frame({ type: 'availability', available: true, names: ['Ana'] });
    expect(m.st.availability.value).toEqual({ available: true, names: ['Ana'], backAt: null });
  });

  it('opens one of the shopper’s conversations by id (not an unknown one), and clears', () => {
    const m = model();
    m.st.welcome(welcome([conv('cv_1', 'assigned'), conv('cv_0', 'resolved', 7)]));
    expect(m.st.open('cv_0')).toMatchObject({ id: 'cv_0', readSeq: 7 });
    expect([m.current.value, m.st.status.value]).toEqual(['cv_0', 'resolved']);
    expect(m.st.open('cv_unknown')).toBeUndefined();
    expect(m.current.value).toBe('cv_0');
    m.st.clear();
    expect([m.st.conversations.value, m.st.status.value]).toEqual([[], null]);
  });
});
