/**
 * Reply to the shopper or write an internal note. Enter sends; Shift+Enter adds a line. "/" at
 * the start of the box or of a word opens the canned responses (a combobox with a listbox);
 * variables are filled from the customer, and any left without a value are flagged before sending.
 * Files (the paperclip, a pasted image, or files dropped on the box) upload at once, show with
 * their progress or why they were refused, can be removed, and go with the next message.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Locale } from '../../shared/i18n';
import type { CannedResponse } from '../../shared/site-settings';
import { cannedText, fillVariables, matchCanned, replaceSlash, slashQuery, unfilledVariables } from '../state/canned';
import type { AttachmentRef } from '../../shared/timeline';
import { strings } from '../state/locale';
import { ACCEPTED_TYPES, createDraftFiles, filesOf, type DraftFiles, type UploadError } from '../state/uploads';
import { CANNED_LIST_ID, CannedPicker, cannedOptionId } from './CannedPicker';
import { lazyView } from './lazy';
import { VariableWarning } from './VariableWarning';

interface Props {
  conversationId: string;
  onSend(text: string, kind: 'text' | 'note', byEmail?: boolean, attachments?: AttachmentRef[]): void;
  /** Each conversation's files for the next message (kept across chats); tests may pass none. */
  draftFiles?: DraftFiles;
  /** The shopper has an address and the server sends e-mail: offer "also send by e-mail". */
  canEmail?: boolean | undefined;
  onTyping(on: boolean): void;
  /** Drafts survive switching chats. */
  drafts: Map<string, { text: string; mode: 'text' | 'note' }>;
  canned: CannedResponse[];
  /** The conversation's language (canned text in it, else the other one). */
  lang: Locale;
  /** Variable values for this conversation, read when a response is inserted. */
  values(): Record<string, string>;
}

/** The emoji picker, downloaded the first time it opens. */
const LazyEmojiPicker = lazyView(() => import('./EmojiPicker').then((m) => m.EmojiPicker), {
  placeholder: () => <div class="emoji-picker" aria-busy="true" />,
  failed: () => strings().emojiFailed,
});

export function ReplyBox({ conversationId, onSend, onTyping, drafts, canned, lang, values, canEmail, draftFiles }: Props) {
  const [byEmail, setByEmail] = useState(false);
  const own = useMemo(() => draftFiles ?? createDraftFiles(), [draftFiles]);
  const files = own.get(conversationId);
  // A file dropped beside the composer must not open in the tab (leaving the console).
  useEffect(() => {
    const keep = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files') && !(e.target as Element | null)?.closest?.('.reply')) e.preventDefault();
    };
    addEventListener('dragover', keep);
    addEventListener('drop', keep);
    return () => {
      removeEventListener('dragover', keep);
      removeEventListener('drop', keep);
    };
  }, []);
  const [dragging, setDragging] = useState(false);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const emojiButton = useRef<HTMLButtonElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const t = strings();
  const saved = drafts.get(conversationId);
  const box = useRef<HTMLTextAreaElement>(null);
  const [draft, setDraftState] = useState(saved?.text ?? '');
  const [mode, setModeState] = useState<'text' | 'note'>(saved?.mode ?? 'text');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  /** The agent tried to send a text with unfilled variables: ask them to confirm. */
  const [blocked, setBlocked] = useState(false);
  const setDraft = (text: string) => {
    setDraftState(text);
    setBlocked(false);
    if (text) drafts.set(conversationId, { text, mode });
    else drafts.delete(conversationId);
  };
  const setMode = (m: 'text' | 'note') => {
    setModeState(m);
    if (draft) drafts.set(conversationId, { text: draft, mode: m });
  };
  const label = mode === 'note' ? t.note : t.reply;

  const slash = canned.length > 0 ? slashQuery(draft, caret) : null;
  const matches = slash ? matchCanned(canned, slash.query, lang) : [];
  const open = slash !== null && matches.length > 0 && dismissed !== `${slash.start}:${slash.query}`;
  const current = open ? Math.min(active, matches.length - 1) : 0;
  const unfilled = unfilledVariables(draft);
  const hasUnfilled = unfilled.empty.length + unfilled.unknown.length > 0;

  const pick = (r: CannedResponse) => {
    if (!slash) return;
    const filled = fillVariables(cannedText(r, lang), values());
    const next = replaceSlash(draft, slash.start, caret, filled.text);
    setDraft(next.text);
    setCaret(next.caret);
    setActive(0);
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  const addFiles = (picked: File[]) => own.add(conversationId, picked);
  /** Puts an emoji where the caret is (replacing a selection), and goes back to typing after it. */
  const insertEmoji = (emoji: string) => {
    const el = box.current;
    const start = el?.selectionStart ?? draft.length;
    const end = el?.selectionEnd ?? start;
    const next = draft.slice(0, start) + emoji + draft.slice(end);
    const at = start + emoji.length;
    setDraft(next);
    setCaret(at);
    setEmojiOpen(false);
    // Back to typing at once (a quick Enter sends), the caret after the emoji once it is drawn.
    box.current?.focus();
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(at, at);
    });
  };
  const removeFile = (key: string) => {
    own.remove(conversationId, key);
    box.current?.focus();
  };
  const ready = files.filter((f) => f.stored && !f.error).map((f) => f.stored!);
  const uploading = files.some((f) => !f.stored && !f.error);
  const canSend = !uploading && (draft.trim().length > 0 || ready.length > 0);

  const send = (force: boolean) => {
    if (!canSend) return;
    if (hasUnfilled && !force) {
      setBlocked(true);
      return;
    }
    onSend(draft, mode, canEmail === true && byEmail, ready);
    setDraft('');
    setCaret(0);
    own.clear(conversationId);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = matches.length;
        setActive((current + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey && !e.isComposing) || e.key === 'Tab') {
        e.preventDefault();
        pick(matches[current]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(`${slash!.start}:${slash!.query}`);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send(false);
    }
  };

  const track = (el: HTMLTextAreaElement) => setCaret(el.selectionStart ?? el.value.length);

  return (
    <form
      class={`reply${mode === 'note' ? ' note-mode' : ''}${dragging ? ' dragging' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        send(false);
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        const dropped = filesOf(e.dataTransfer);
        setDragging(false);
        if (dropped.length === 0) return;
        e.preventDefault();
        addFiles(dropped);
      }}
    >
      <div class="modes" role="group" aria-label={t.composeMode}>
        <button type="button" class="mode" aria-pressed={mode === 'text'} onClick={() => setMode('text')}>
          {t.replyMode}
        </button>
        <button type="button" class="mode" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
          {t.noteMode}
        </button>
        {canEmail && mode === 'text' && (
          <label class="by-email small">
            <input type="checkbox" checked={byEmail} onChange={(e) => setByEmail((e.target as HTMLInputElement).checked)} /> {t.replyByEmail}
          </label>
        )}
        {canned.length > 0 && <span class="muted small canned-hint">{t.cannedHint}</span>}
      </div>
      {dragging && (
        <p class="drop-hint" aria-hidden="true">
          {t.dropFiles}
        </p>
      )}
      {files.length > 0 && (
        <ul class="draft-files" aria-label={t.draftFiles}>
          {files.map((f) => (
            <li key={f.key} class={f.error ? 'refused' : undefined}>
              {f.stored?.url?.startsWith('/files/') && f.stored.contentType.startsWith('image/') ? (
                <img src={f.stored.url} alt={f.name} />
              ) : (
                <span class="file-icon" aria-hidden="true">
                  {f.stored?.contentType === 'application/pdf' ? '📄' : '📎'}
                </span>
              )}
              <span class="file-name">{f.name}</span>
              {!f.stored && !f.error && <progress max={100} value={f.progress} aria-label={`${t.uploading} ${f.name}`} />}
              {f.error && (
                <span class="file-error" role="alert">
                  {uploadErrorText(t, f.error)}
                </span>
              )}
              <button type="button" class="ghost remove-file" aria-label={`${t.removeFile}: ${f.name}`} title={t.removeFile} onClick={() => removeFile(f.key)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {emojiOpen && (
        <LazyEmojiPicker
          onPick={insertEmoji}
          onClose={() => {
            setEmojiOpen(false);
            emojiButton.current?.focus();
          }}
        />
      )}
      {open && <CannedPicker items={matches} active={current} preview={(r) => fillVariables(cannedText(r, lang), values()).text} onPick={pick} onHover={setActive} />}
      <div class="reply-row">
        <label for="reply" class="sr-only">
          {label}
        </label>
        <textarea
          id="reply"
          ref={box}
          rows={2}
          value={draft}
          role={canned.length > 0 ? 'combobox' : undefined}
          aria-autocomplete={canned.length > 0 ? 'list' : undefined}
          aria-expanded={canned.length > 0 ? open : undefined}
          aria-controls={open ? CANNED_LIST_ID : undefined}
          aria-activedescendant={open ? cannedOptionId(matches[current]!.id) : undefined}
          aria-describedby={hasUnfilled ? 'reply-vars' : undefined}
          placeholder={mode === 'note' ? t.notePlaceholder : t.replyPlaceholder}
          onInput={(e) => {
            const el = e.target as HTMLTextAreaElement;
            setDraft(el.value);
            track(el);
            setActive(0);
            // Notes are internal: the shopper never sees the agent "typing" one.
            if (mode === 'text') onTyping(el.value.length > 0);
          }}
          onKeyUp={(e) => !['ArrowDown', 'ArrowUp', 'Enter', 'Escape', 'Tab'].includes(e.key) && track(e.target as HTMLTextAreaElement)}
          onClick={(e) => track(e.target as HTMLTextAreaElement)}
          onBlur={() => setDismissed(slash ? `${slash.start}:${slash.query}` : null)}
          onFocus={() => setDismissed(null)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const pasted = filesOf(e.clipboardData);
            if (pasted.length === 0) return; // text pastes as usual
            e.preventDefault();
            addFiles(pasted);
          }}
        />
        <button
          ref={emojiButton}
          type="button"
          class="ghost emoji-button"
          aria-label={t.emojiPicker}
          title={t.emojiPicker}
          aria-haspopup="dialog"
          aria-expanded={emojiOpen}
          onClick={() => setEmojiOpen(!emojiOpen)}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
            <circle cx="12" cy="12" r="9" />
            <path d="M8 14a5 5 0 0 0 8 0M9 9.5h.01M15 9.5h.01" />
          </svg>
        </button>
        <button type="button" class="ghost attach" aria-label={t.attachFile} title={t.attachFile} onClick={() => fileInput.current?.click()}>
          <svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.5 3.5 0 0 1 5 5l-8.6 8.6a2 2 0 0 1-2.8-2.8l7.9-7.9" />
          </svg>
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          accept={ACCEPTED_TYPES.join(',')}
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            const input = e.target as HTMLInputElement;
            addFiles(Array.from(input.files ?? []));
            input.value = '';
          }}
        />
        <button type="submit" class="primary" disabled={!canSend}>
          {t.send}
        </button>
      </div>
      <VariableWarning id="reply-vars" unfilled={unfilled} blocked={blocked} onSendAnyway={() => send(true)} />
    </form>
  );
}

function uploadErrorText(t: ReturnType<typeof strings>, error: UploadError): string {
  switch (error) {
    case 'too_large':
      return t.fileTooLarge;
    case 'unsupported':
      return t.fileUnsupported;
    case 'too_many':
      return t.fileTooMany;
    case 'rate_limited':
      return t.fileRateLimited;
    case 'empty':
      return t.fileEmpty;
    default:
      return t.fileFailed;
  }
}
