/** Snooze the chat until a time (in 1 h, 4 h, tomorrow at 9:00, a date and time) or until the shopper writes. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { strings } from '../state/locale';
import { snoozeUntil, type SnoozeChoice as Choice } from '../state/snooze';

export function SnoozeDialog({ onSnooze, onClose }: { onSnooze(until: number | null): void; onClose(): void }) {
  const t = strings();
  const ref = useRef<HTMLDialogElement>(null);
  const [choice, setChoice] = useState<Choice>('1h');
  const [at, setAt] = useState('');
  useEffect(() => {
    // Modal: focus stays inside, Escape closes, the page behind is inert.
    ref.current?.showModal();
  }, []);
  const until = snoozeUntil(choice, at, new Date());
  const options: [Choice, string][] = [
    ['1h', t.snooze1h],
    ['4h', t.snooze4h],
    ['tomorrow', t.snoozeTomorrow],
    ['reply', t.snoozeReply],
    ['at', t.snoozeAt],
  ];
  return (
    <dialog ref={ref} class="transfer-dialog snooze-dialog" aria-labelledby="snooze-title" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (until === undefined) return;
          onSnooze(until);
          ref.current?.close();
        }}
      >
        <h2 id="snooze-title">{t.snoozeMenu}</h2>
        <fieldset>
          <legend class="sr-only">{t.snoozeMenu}</legend>
          {options.map(([value, label]) => (
            <label key={value} class="choice">
              <input type="radio" name="snooze" value={value} checked={choice === value} onChange={() => setChoice(value)} />
              {label}
            </label>
          ))}
        </fieldset>
        {choice === 'at' && (
          <label class="choice">
            <span class="sr-only">{t.snoozeAt}</span>
            <input type="datetime-local" value={at} onInput={(e) => setAt((e.target as HTMLInputElement).value)} />
          </label>
        )}
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={() => ref.current?.close()}>
            {t.snoozeCancel}
          </button>
          <button type="submit" class="primary" disabled={until === undefined}>
            {t.snoozeSet}
          </button>
        </div>
      </form>
    </dialog>
  );
}
