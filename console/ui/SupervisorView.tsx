/**
 * The supervisor's live view (issue 14), for admins and supervisors: every open chat with its
 * state, who has it and how long the shopper has waited for a person; each agent's status and
 * load against capacity. Live: it reads the inbox's signals, which the agent socket keeps current
 * (conversation.updated, team frames); only the capacities come from /api/agent/reports/options.
 * A chat opens here read-only (its transcript, no reply box) and can be reassigned (the
 * `transfer` action, as the inbox's transfer does). Loaded lazily, like the reports.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConversationSummary } from '../../shared/protocol';
import type { Inbox } from '../state/inbox';
import { locale, strings } from '../state/locale';
import { MessageLog } from './MessageLog';
import { REPORT_STRINGS } from './report-strings';
import './reports.css';

interface AgentOption {
  id: string;
  name: string;
  capacity: number;
  disabled?: boolean;
}

/** "3 min", "1 h 05 min", "40 s" since `since`. */
export function waited(since: number, now: number): string {
  const s = Math.max(0, Math.floor((now - since) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Since when the shopper has waited for a person, or null when nobody owes them an answer. */
export function waitingFor(c: Pick<ConversationSummary, 'status' | 'waitingSince' | 'queuedAt' | 'createdAt'>): number | null {
  if (c.status === 'resolved') return null;
  if (c.waitingSince != null && c.status !== 'bot') return c.waitingSince;
  if (c.status === 'queued') return c.queuedAt ?? c.createdAt;
  return null;
}

export function SupervisorView({ inbox }: { inbox: Inbox }) {
  const t = strings();
  const L = REPORT_STRINGS[locale.value].live;
  const [capacities, setCapacities] = useState<AgentOption[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const [reading, setReading] = useState<string | null>(null);
  const [targets, setTargets] = useState<Record<string, string>>({});

  useEffect(() => {
    void fetch('/api/agent/reports/options', { headers: { Accept: 'application/json' } })
      .then((res) => (res.ok ? (res.json() as Promise<{ agents: AgentOption[] }>) : null))
      .then((o) => o && setCapacities(o.agents))
      .catch(() => undefined);
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);

  const open = inbox.conversations.value.filter((c) => c.status !== 'resolved');
  // Longest wait first, then the newest activity.
  open.sort((a, b) => (waitingFor(a) ?? Infinity) - (waitingFor(b) ?? Infinity) || b.updatedAt - a.updatedAt);
  const team = inbox.team.value;
  const nameOf = (id: string | null) => (id ? (team.find((a) => a.id === id)?.name ?? capacities.find((a) => a.id === id)?.name ?? id) : L.nobody);
  const agents = (capacities.length ? capacities.filter((a) => !a.disabled) : team.map((a) => ({ id: a.id, name: a.name, capacity: 0 }))).map((a) => ({
    ...a,
    status: team.find((x) => x.id === a.id)?.status ?? 'offline',
    load: open.filter((c) => c.status === 'assigned' && c.assigneeId === a.id).length,
  }));
  const read = reading ? inbox.conversations.value.find((c) => c.id === reading) : undefined;

  return (
    <main class="reports-view supervisor-view" aria-labelledby="live-title">
      <h2 id="live-title">{L.title}</h2>
      <section class="report" aria-labelledby="live-agents">
        <h3 id="live-agents">{L.agents}</h3>
        <div class="report-table" tabIndex={0} role="group" aria-labelledby="live-agents">
          <table>
            <thead>
              <tr>
                <th scope="col">{REPORT_STRINGS[locale.value].agent}</th>
                <th scope="col">{L.status}</th>
                <th scope="col">{L.load}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.id} data-agent={a.id}>
                  <th scope="row">{a.name}</th>
                  <td>
                    <span class={`presence ${a.status}`}>{L.statuses[a.status] ?? a.status}</span>
                  </td>
                  <td>
                    {a.load} / {a.capacity || '—'}
                    {a.capacity > 0 && a.load >= a.capacity ? ` (${L.full})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="report" aria-labelledby="live-chats">
        <h3 id="live-chats">{L.chats}</h3>
        {open.length === 0 ? (
          <p class="muted small">{L.noChats}</p>
        ) : (
          <div class="report-table" tabIndex={0} role="group" aria-labelledby="live-chats">
            <table>
              <thead>
                <tr>
                  <th scope="col">{L.shopper}</th>
                  <th scope="col">{L.state}</th>
                  <th scope="col">{L.holder}</th>
                  <th scope="col">{L.waiting}</th>
                  <th scope="col">{L.team}</th>
                  <th scope="col">{L.actions}</th>
                </tr>
              </thead>
              <tbody>
                {open.map((c) => {
                  const since = waitingFor(c);
                  const name = c.visitorName || t.visitor;
                  const choices = agents.filter((a) => a.id !== c.assigneeId && a.status !== 'offline');
                  return (
                    <tr key={c.id} data-conversation={c.id}>
                      <th scope="row">{name}</th>
                      <td>{L.states[c.status] ?? c.status}</td>
                      <td>{c.status === 'assigned' ? nameOf(c.assigneeId) : L.nobody}</td>
                      <td>{since === null ? '—' : waited(since, now)}</td>
                      <td>{c.team ?? '—'}</td>
                      <td class="live-actions">
                        <button
                          type="button"
                          class="ghost"
                          aria-label={L.openLabel.replace('{name}', name)}
                          onClick={() => {
                            setReading(c.id);
                            inbox.select(c.id);
                          }}
                        >
                          {L.open}
                        </button>
                        <form
                          class="reassign"
                          onSubmit={(e) => {
                            e.preventDefault();
                            const to = targets[c.id];
                            if (to) inbox.actOn(c, 'transfer', { agentId: to });
                            setTargets({ ...targets, [c.id]: '' });
                          }}
                        >
                          <label>
                            <span class="sr-only">{L.reassignTo.replace('{name}', name)}</span>
                            <select value={targets[c.id] ?? ''} onChange={(e) => setTargets({ ...targets, [c.id]: (e.target as HTMLSelectElement).value })}>
                              <option value="">{L.choose}</option>
                              {choices.map((a) => (
                                <option key={a.id} value={a.id}>
                                  {a.name} ({a.load}/{a.capacity || '—'})
                                </option>
                              ))}
                            </select>
                          </label>
                          <button type="submit" disabled={!targets[c.id]}>
                            {L.reassign}
                          </button>
                        </form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {inbox.actionError.value && (
          <p class="form-error" role="alert">
            {inbox.actionError.value.message}
          </p>
        )}
      </section>
      {read && (
        <section class="report live-transcript" aria-labelledby="live-transcript">
          <header class="report-head">
            <h3 id="live-transcript">{L.transcript.replace('{name}', read.visitorName || t.visitor)}</h3>
            <button type="button" class="ghost" onClick={() => setReading(null)}>
              {L.close}
            </button>
          </header>
          <MessageLog
            items={inbox.selectedId.value === read.id ? inbox.selectedItems.value : []}
            hasEarlier={inbox.selectedHasEarlier.value}
            onLoadEarlier={inbox.loadEarlier}
            visitorName={read.visitorName || t.visitor}
            visitorReadSeq={read.visitorReadSeq}
            conversationId={read.id}
            onRetry={() => undefined}
            emailFailures={inbox.emailFailures.value}
          />
        </section>
      )}
    </main>
  );
}
