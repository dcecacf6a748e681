/** The listbox of canned responses under the reply box (the box is its combobox). */
import type { CannedResponse } from '../../shared/site-settings';
import { strings } from '../state/locale';

export const CANNED_LIST_ID = 'canned-list';
export const cannedOptionId = (id: string) => `canned-${id}`;

interface Props {
  items: CannedResponse[];
  active: number;
  /** What the response would insert (variables filled), shown beside its shortcut. */
  preview(r: CannedResponse): string;
  onPick(r: CannedResponse): void;
  onHover(index: number): void;
}

export function CannedPicker({ items, active, preview, onPick, onHover }: Props) {
  const t = strings();
  return (
    <ul id={CANNED_LIST_ID} class="canned-list" role="listbox" aria-label={t.cannedResponses}>
      {items.map((r, i) => (
        <li
          key={r.id}
          id={cannedOptionId(r.id)}
          role="option"
          aria-selected={i === active}
          class={i === active ? 'active' : ''}
          // mousedown, not click: the reply box keeps focus.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(r);
          }}
          onMouseMove={() => i !== active && onHover(i)}
        >
          <strong>/{r.shortcut}</strong> <span class="canned-text">{preview(r)}</span>
        </li>
      ))}
    </ul>
  );
}
