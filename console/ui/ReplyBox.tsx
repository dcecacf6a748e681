/** Reply to the shopper or write an internal note. Enter sends; Shift+Enter adds a line. */
import { useState } from 'preact/hooks';
import { strings } from '../state/locale';

interface Props {
  conversationId: string;
  onSend(text: string, kind: 'text' | 'note'): void;
  onTyping(on: boolean): void;
  /** Drafts survive switching chats. */
  drafts: Map<string, { text: string; mode: 'text' | 'note' }>;
}

export function ReplyBox({ conversationId, onSend, onTyping, drafts }: Props) {
  const t = strings();
  const saved = drafts.get(conversationId);
  const [draft, setDraftState] = useState(saved?.text ?? '');
  const [mode, setModeState] = useState<'text' | 'note'>(saved?.mode ?? 'text');
  const setDraft = (text: string) => {
    setDraftState(text);
    if (text) drafts.set(conversationId, { text, mode });
    else drafts.delete(conversationId);
  };
  const setMode = (m: 'text' | 'note') => {
    setModeState(m);
    if (draft) drafts.set(conversationId, { text: draft, mode: m });
  };
  const label = mode === 'note' ? t.note : t.reply;

  const submit = (e: Event) => {
    e.preventDefault();
    if (!draft.trim()) return;
    onSend(draft, mode);
    setDraft('');
  };

  return (
    <form class={`reply${mode === 'note' ? ' note-mode' : ''}`} onSubmit={submit}>
      <div class="modes" role="group" aria-label={t.composeMode}>
        <button type="button" class="mode" aria-pressed={mode === 'text'} onClick={() => setMode('text')}>
          {t.replyMode}
        </button>
        <button type="button" class="mode" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
          {t.noteMode}
        </button>
      </div>
      <div class="reply-row">
        <label for="reply" class="sr-only">
          {label}
        </label>
        <textarea
          id="reply"
          rows={2}
          value={draft}
          placeholder={mode === 'note' ? t.notePlaceholder : t.replyPlaceholder}
          onInput={(e) => {
            const value = (e.target as HTMLTextAreaElement).value;
            setDraft(value);
            // Notes are internal: the shopper never sees the agent "typing" one.
            if (mode === 'text') onTyping(value.length > 0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
          }}
        />
        <button type="submit" class="primary" disabled={!draft.trim()}>
          {t.send}
        </button>
      </div>
    </form>
  );
}
