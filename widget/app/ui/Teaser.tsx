/**
 * The proactive teaser: a message bubble shown above the launcher while the panel is closed
 * (a proactive message, or a reply that arrived while the shopper was elsewhere). Clicking it
 * opens the chat; the cross dismisses it. Text only, never HTML.
 */
import type { WidgetStrings } from '../../../shared/i18n';
import teaserCss from '../../styles/teaser.css?inline';
import { adopt } from '../lazy';

interface Props {
  t: WidgetStrings;
  name: string;
  text: string;
  onOpen(): void;
  onDismiss(): void;
}

export function Teaser({ t, name, text, onOpen, onDismiss }: Props) {
  return (
    <div class="teaser" role="dialog" aria-label={t.newMessageFrom.replace('{name}', name)}>
      <button type="button" class="teaser-body" onClick={onOpen}>
        <strong>{name}</strong>
        <span class="teaser-text">{text}</span>
        <span class="sr-only">{t.teaserOpen}</span>
      </button>
      <button type="button" class="teaser-close" aria-label={t.teaserDismiss} onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}

export default Teaser;

adopt(teaserCss);
