/** Transfer the chat to another agent or to a team, with an optional note (kept internal). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { strings } from '../state/locale';

interface Props {
  /** Agents who can receive it (not the current assignee), with their status. */
  agents: { id: string; name: string; status: string }[];
  teams: string[];
  onTransfer(to: { agentId?: string; team?: string; note?: string }): void;
  onClose(): void;
}

export function TransferDialog({ agents, teams, onTransfer, onClose }: Props) {
  const t = strings();
  const ref = useRef<HTMLDialogElement>(null);
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => {
    // Modal: focus stays inside, Escape closes, the page behind is inert.
    ref.current?.showModal();
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    if (!target) return;
    const [kind, value] = [target.slice(0, 2), target.slice(2)];
    onTransfer({ ...(kind === 'a:' ? { agentId: value } : { team: value }), ...(note.trim() ? { note: note.trim() } : {}) });
    onClose();
  };
  const statusWord = (s: string) => (s === 'online' ? t.statusOnline : s === 'away' ? t.statusAway : t.statusOffline);
  return (
    <dialog ref={ref} class="transfer-dialog" aria-labelledby="transfer-title" onClose={onClose}>
      <form method="dialog" onSubmit={submit}>
        <h2 id="transfer-title">{t.transferTitle}</h2>
        {agents.length > 0 && (
          <fieldset>
            <legend>{t.transferToAgent}</legend>
            {agents.map((a) => (
              <label key={a.id} class="choice">
                <input type="radio" name="target" value={`a:${a.id}`} checked={target === `a:${a.id}`} onChange={() => setTarget(`a:${a.id}`)} />
                {a.name} <span class="muted small">· {statusWord(a.status)}</span>
              </label>
            ))}
          </fieldset>
        )}
        {teams.length > 0 && (
          <fieldset>
            <legend>{t.transferToTeam}</legend>
            {teams.map((name) => (
              <label key={name} class="choice">
                <input type="radio" name="target" value={`t:${name}`} checked={target === `t:${name}`} onChange={() => setTarget(`t:${name}`)} />
                {name}
              </label>
            ))}
          </fieldset>
        )}
        <label for="transfer-note">{t.transferNote}</label>
        <textarea id="transfer-note" rows={3} maxLength={500} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        <p class="muted small">{t.transferNoteHint}</p>
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={() => ref.current?.close()}>
            {t.cancel}
          </button>
          <button type="submit" class="primary" disabled={!target}>
            {t.transfer}
          </button>
        </div>
      </form>
    </dialog>
  );
}
