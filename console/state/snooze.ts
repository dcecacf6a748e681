/** The snooze dialog's choices as wake times (pure). */

export type SnoozeChoice = '1h' | '4h' | 'tomorrow' | 'reply' | 'at';

/** When a choice wakes the chat (epoch ms), or null: when the shopper writes; undefined: no valid time yet. */
export function snoozeUntil(choice: SnoozeChoice, at: string, now: Date): number | null | undefined {
  switch (choice) {
    case '1h':
      return now.getTime() + 60 * 60 * 1000;
    case '4h':
      return now.getTime() + 4 * 60 * 60 * 1000;
    case 'tomorrow': {
      const d = new Date(now);
      d.setDate(d.getDate() + 1);
      d.setHours(9, 0, 0, 0);
      return d.getTime();
    }
    case 'reply':
      return null;
    case 'at': {
      // <input type="datetime-local">: local time, "2026-11-30T14:00".
      const when = at ? new Date(at).getTime() : NaN;
      return Number.isFinite(when) && when > now.getTime() ? when : undefined;
    }
  }
}
