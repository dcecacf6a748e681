/** The selected conversation's actions: take, transfer, resolve, reopen, return to the bot. */
import { useState } from 'preact/hooks';
import type { ConversationSummary } from '../../shared/protocol';
import type { Inbox } from '../state/inbox';
import { strings } from '../state/locale';
import { TransferDialog } from './TransferDialog';
import { SnoozeDialog } from './SnoozeDialog';
import { isSnoozed } from '../state/views';

export function ConversationActions({ inbox, conversation, meId, teams }: { inbox: Inbox; conversation: ConversationSummary; meId: string; teams: string[] }) {
  const t = strings();
  const [transferring, setTransferring] = useState(false);
  const [snoozing, setSnoozing] = useState(false);
  /** The chat is another agent's: "Take" asks before taking it from them. */
  const [confirmTakeOver, setConfirmTakeOver] = useState<string | null>(null);
  const holder = conversation.status === 'assigned' && conversation.assigneeId !== meId ? conversation.assigneeId : null;
  const holderName = holder ? (inbox.team.value.find((a) => a.id === holder)?.name ?? t.visitor) : null;
  const take = () => {
    if (holder) setConfirmTakeOver(conversation.id);
    else inbox.act('take');
  };
  const mine = conversation.status === 'assigned' && conversation.assigneeId === meId;
  // Not to whoever has it, nor to yourself (that is "Take").
  const others = inbox.team.value.filter((a) => a.id !== conversation.assigneeId && a.id !== meId && a.status !== 'offline');
  const error = inbox.actionError.value;
  const cannotTransfer = conversation.status === 'resolved' ? t.transferResolved : others.length === 0 && teams.length === 0 ? t.transferNobody : null;
  const snoozed = isSnoozed(conversation);
  return (
    <div class="actions">
      {conversation.status !== 'resolved' && !mine && (
        <button type="button" class="primary small-btn" onClick={take}>
          {t.take}
        </button>
      )}
      {holder && confirmTakeOver === conversation.id && (
        <span class="form-error small" role="alert">
          {holderName} {t.alreadyTaken}{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              setConfirmTakeOver(null);
              inbox.act('take_over');
            }}
          >
            {t.takeOver}
          </button>
        </span>
      )}
      {/* Always there; when nobody can take it, it says why (and stays focusable, so the reason is heard). */}
      <button
        type="button"
        class="ghost"
        aria-haspopup="dialog"
        aria-disabled={cannotTransfer ? 'true' : undefined}
        aria-describedby={cannotTransfer ? 'transfer-why' : undefined}
        title={cannotTransfer ?? undefined}
        onClick={() => !cannotTransfer && setTransferring(true)}
      >
        {t.transfer}…
      </button>
      {cannotTransfer && (
        <span id="transfer-why" class="muted small transfer-why">
          {cannotTransfer}
        </span>
      )}
      {snoozed ? (
        <button type="button" class="ghost" onClick={() => inbox.act('unsnooze')}>
          {t.unsnooze}
        </button>
      ) : (
        (conversation.status === 'queued' || conversation.status === 'assigned') && (
          <button type="button" class="ghost" aria-haspopup="dialog" onClick={() => setSnoozing(true)}>
            {t.snooze}…
          </button>
        )
      )}
      {snoozing && <SnoozeDialog onSnooze={(until) => inbox.act('snooze', until === null ? {} : { until })} onClose={() => setSnoozing(false)} />}
      {transferring && <TransferDialog agents={others} teams={teams} onTransfer={(to) => inbox.act('transfer', to)} onClose={() => setTransferring(false)} />}
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
      {error && (
        <span class="form-error small" role="alert">
          {error.code === 'conflict' ? t.actionConflict : `${t.actionFailed} ${error.message}`}
        </span>
      )}
    </div>
  );
}
