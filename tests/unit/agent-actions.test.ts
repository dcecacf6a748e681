import { describe, expect, it } from 'vitest';
import { decideAction, type AgentAction } from '../../server/domain/agent-actions';
import type { ConversationStatus } from '../../shared/protocol';

const ana = { id: 'ag_ana', name: 'Ana' };
const luis = { id: 'ag_luis', name: 'Luis' };

describe('decideAction', () => {
  it.each([
    ['take', 'queued', null, undefined, { status: 'assigned', assigneeId: 'ag_ana', system: { event: 'agent_joined', agentName: 'Ana' } }],
    ['take', 'bot', null, undefined, { status: 'assigned', assigneeId: 'ag_ana' }],
    ['take', 'assigned', 'ag_luis', undefined, { status: 'assigned', assigneeId: 'ag_ana' }],
    ['take', 'resolved', 'ag_luis', undefined, { status: 'assigned', assigneeId: 'ag_ana' }],
    ['transfer', 'assigned', 'ag_ana', luis, { status: 'assigned', assigneeId: 'ag_luis', system: { event: 'transferred', fromName: 'Ana', toName: 'Luis' } }],
    ['resolve', 'assigned', 'ag_ana', undefined, { status: 'resolved', assigneeId: 'ag_ana', webhook: 'conversation.resolved' }],
    ['reopen', 'resolved', 'ag_ana', undefined, { status: 'queued', assigneeId: null }],
    ['return_to_bot', 'assigned', 'ag_ana', undefined, { status: 'bot', assigneeId: null }],
  ] as const)('%s from %s (assignee %s)', (action, status, assigneeId, target, expected) => {
    const d = decideAction({ action: action as AgentAction, conversation: { status: status as ConversationStatus, assigneeId }, actor: ana, target });
    expect(d).toMatchObject({ ok: true, ...expected });
  });

  it.each([
    ['take', 'assigned', 'ag_ana', undefined, 'already yours'],
    ['transfer', 'assigned', 'ag_ana', undefined, 'choose who receives the chat'],
    ['transfer', 'assigned', 'ag_luis', luis, 'already assigned to them'],
    ['transfer', 'resolved', null, luis, 'reopen the conversation first'],
    ['resolve', 'resolved', null, undefined, 'already resolved'],
    ['reopen', 'queued', null, undefined, 'the conversation is open'],
    ['return_to_bot', 'bot', null, undefined, 'the bot already has it'],
  ] as const)('refuses %s from %s', (action, status, assigneeId, target, reason) => {
    expect(decideAction({ action: action as AgentAction, conversation: { status: status as ConversationStatus, assigneeId }, actor: ana, target })).toEqual({ ok: false, reason });
  });

  it('keeps a transfer note, trimmed, as an internal note and out of the event the shopper receives', () => {
    const d = decideAction({ action: 'transfer', conversation: { status: 'assigned', assigneeId: 'ag_ana' }, actor: ana, target: luis, note: '  VIP, devolución  ' });
    expect(d).toMatchObject({ ok: true, note: 'VIP, devolución' });
    expect(JSON.stringify(d.ok && d.system)).not.toContain('VIP');
  });

  it('transfers to a team: back to the queue with the team set', () => {
    const d = decideAction({ action: 'transfer', conversation: { status: 'assigned', assigneeId: 'ag_ana' }, actor: ana, team: ' Returns ', note: 'wants a refund' });
    expect(d).toEqual({
      ok: true,
      status: 'queued',
      assigneeId: null,
      team: 'Returns',
      system: { event: 'transferred_team', fromName: 'Ana', team: 'Returns' },
      text: 'Transferred to team Returns',
      webhook: null,
      note: 'wants a refund',
    });
  });

  it('refuses a transfer to both an agent and a team', () => {
    expect(decideAction({ action: 'transfer', conversation: { status: 'assigned', assigneeId: 'ag_ana' }, actor: ana, target: luis, team: 'Returns' })).toEqual({
      ok: false,
      reason: 'choose an agent or a team, not both',
    });
  });
});
