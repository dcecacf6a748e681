/** The message box: Enter sends, Shift+Enter adds a line. Labelled for screen readers. */
import { Component, createRef } from 'preact';
import type { WidgetStrings } from '../../../shared/i18n';
import { LIMITS } from '../../../shared/limits';

interface Props {
  t: WidgetStrings;
  onSend(text: string): void;
  /** Picks a file to upload and send. */
  onAttach?(file: File): void;
  /** Called as the shopper types (the caller throttles what goes to the server). */
  onTyping?(text: string): void;
  inputRef?: { current: HTMLTextAreaElement | null };
}

// A class, not hooks: preact/hooks would add ~1 KB to what every shopper downloads.
export class Composer extends Component<Props, { text: string }> {
  override state = { text: '' };
  fileRef = createRef<HTMLInputElement>();
  localRef = createRef<HTMLTextAreaElement>();

  override render({ t, onSend, onAttach, onTyping, inputRef }: Props, { text }: { text: string }) {
  const fileRef = this.fileRef;
  const setText = (value: string) => this.setState({ text: value });
  const ref = inputRef ?? this.localRef;
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
      {onAttach && (
        <>
          <button type="button" class="attach" aria-label={t.attach} title={t.attach} onClick={() => fileRef.current?.click()}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path fill="currentColor" d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z" />
            </svg>
          </button>
          <input
            ref={fileRef}
            type="file"
            class="sr-only"
            tabIndex={-1}
            aria-hidden="true"
            accept="image/png,image/jpeg,image/gif,image/webp,application/pdf"
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              const file = input.files?.[0];
              if (file) onAttach(file);
              input.value = '';
            }}
          />
        </>
      )}
      <button type="submit" class="send" disabled={!text.trim() || tooLong}>
        {t.send}
      </button>
    </form>
  );
}
}
