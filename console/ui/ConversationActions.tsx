/** The selected conversation's actions: take, transfer, resolve, reopen, return to the bot. */
import { useState } from 'preact/hooks';
import type { ConversationSummary } from '../../shared/protocol';
import type { Inbox } from '../state/inbox';
import { strings } from '../state/locale';

export function ConversationActions({ inbox, conversation, meId }: { inbox: Inbox; conversation: ConversationSummary; meId: string }) {
  const t = strings();
  const [target, setTarget] = useState('');
  const mine = conversation.status === 'assigned' && conversation.assigneeId === meId;
  const others = inbox.team.value.filter((a) => a.id !== conversation.assigneeId && a.status !== 'offline');
  return (
    <div class="actions">
      {conversation.status !== 'resolved' && !mine && (
        <button type="button" class="primary small-btn" onClick={() => inbox.act('take')}>
          {t.take}
        </button>
      )}
      {conversation.status !== 'resolved' && others.length > 0 && (
        <span class="transfer">
          <label>
            <span class="sr-only">{t.transferTo}</span>
            <select value={target} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
              <option value="">{t.transferTo}…</option>
              {others.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="ghost" disabled={!target} onClick={() => target && inbox.act('transfer', target)}>
            {t.transfer}
          </button>
        </span>
      )}
      {conversation.status !== 'resolved' && conversation.status !== 'bot' && (
        <button type="button" class="ghost" onClick={() => inbox.act('return_to_bot')}>
          {t.returnToBot}
        </button>
      )}
      {conversation.status !== 'resolved' ? (
        <button type="button" class="ghost" onClick={() => inbox.act('resolve')}>
          {t.resolve}
        </button>
      ) : (
        <button type="button" class="ghost" onClick={() => inbox.act('reopen')}>
          {t.reopen}
        </button>
      )}
      {inbox.actionError.value && (
        <span class="form-error small" role="alert">
          {t.actionFailed} {inbox.actionError.value}
        </span>
      )}
    </div>
  );
}
