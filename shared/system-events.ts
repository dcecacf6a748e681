/** Renders a lifecycle system message in the reader's language, from its payload. */
type Strings = {
  ev_handoff?: string;
  ev_requeued?: string;
  ev_agent_joined: string;
  ev_transferred: string;
  ev_transferred_team?: string;
  ev_resolved: string;
  ev_reopened: string;
  ev_returned_to_bot: string;
  /** Agents' lines when no agent did it (the API, the assistant, the system; the shopper wrote again): no dangling "by". */
  ev_resolved_plain?: string;
  ev_reopened_plain?: string;
  ev_reopened_visitor?: string;
  ev_returned_to_bot_plain?: string;
};

/** `audience` shopper: "Ana joined the conversation"; agent: "Ana joined" / "Resolved by Ana". */
export function systemText(payload: Record<string, unknown> | null, fallback: string, t: Strings, audience: 'shopper' | 'agent'): string {
  const str = (k: string) => (typeof payload?.[k] === 'string' ? (payload[k] as string) : '');
  /** "Resolved by Ana"; without a name, the line that needs none. */
  const by = (line: string, plain: string | undefined) => (str('byName') ? `${line} ${str('byName')}` : (plain ?? line));
  switch (payload?.event) {
    case 'agent_joined':
      return `${str('agentName')} ${t.ev_agent_joined}`;
    case 'transferred':
      return `${t.ev_transferred} ${str('toName')}${audience === 'agent' && str('note') ? ` — “${str('note')}”` : ''}`;
    case 'transferred_team':
      return t.ev_transferred_team ? `${t.ev_transferred_team} ${str('team')}` : fallback;
    case 'resolved':
      return audience === 'agent' ? by(t.ev_resolved, t.ev_resolved_plain) : t.ev_resolved;
    case 'reopened':
      if (audience !== 'agent') return t.ev_reopened;
      return str('by') === 'visitor' && t.ev_reopened_visitor ? t.ev_reopened_visitor : by(t.ev_reopened, t.ev_reopened_plain);
    case 'handoff': {
      // The assistant already told the shopper in its own words; the event line is for agents.
      if (audience === 'shopper') return '';
      const label = (t as Record<string, string | undefined>)[`reason_${str('reason')}`] ?? str('reason').replace(/_/g, ' ');
      return t.ev_handoff ? `${t.ev_handoff} ${label}` : fallback;
    }
    case 'requeued':
      return audience === 'agent' && t.ev_requeued ? `${str('agentName')} ${t.ev_requeued}` : '';
    case 'returned_to_bot':
      return audience === 'agent' ? by(t.ev_returned_to_bot, t.ev_returned_to_bot_plain) : t.ev_returned_to_bot;
    default:
      return fallback;
  }
}
