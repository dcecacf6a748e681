/** The message box: Enter sends, Shift+Enter adds a line. Labelled for screen readers. */
import { useRef, useState } from 'preact/hooks';
import type { WidgetStrings } from '../../../shared/i18n';
import { LIMITS } from '../../../shared/protocol';

interface Props {
  t: WidgetStrings;
  onSend(text: string): void;
  /** Called as the shopper types (the caller throttles what goes to the server). */
  onTyping?(text: string): void;
  inputRef?: { current: HTMLTextAreaElement | null };
}

export function Composer({ t, onSend, onTyping, inputRef }: Props) {
  const [text, setText] = useState('');
  const localRef = useRef<HTMLTextAreaElement>(null);
  const ref = inputRef ?? localRef;
  const tooLong = text.length > LIMITS.maxTextLength;

  const submit = (e?: Event) => {
    e?.preventDefault();
    if (!text.trim() || tooLong) return;
    onSend(text);
    setText('');
    ref.current?.focus();
  };

  return (
    <form class="composer" onSubmit={submit}>
      <label class="sr-only" for="mostrador-message">
        {t.message}
      </label>
      <textarea
        id="mostrador-message"
        ref={ref}
        rows={1}
        value={text}
        placeholder={t.messagePlaceholder}
        aria-invalid={tooLong}
        aria-describedby={tooLong ? 'mostrador-too-long' : undefined}
        onInput={(e) => {
          const value = (e.target as HTMLTextAreaElement).value;
          setText(value);
          onTyping?.(value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
        }}
      />
      {tooLong && (
        <span id="mostrador-too-long" class="error" role="alert">
          {t.tooLong}
        </span>
      )}
      <button type="submit" class="send" disabled={!text.trim() || tooLong}>
        {t.send}
      </button>
    </form>
  );
}
