/**
 * Reply to the shopper or write an internal note. Enter sends; Shift+Enter adds a line. "/" at
 * the start of the box or of a word opens the canned responses (a combobox with a listbox);
 * variables are filled from the customer, and any left without a value are flagged before sending.
 */
import { useRef, useState } from 'preact/hooks';
import type { Locale } from '../../shared/i18n';
import type { CannedResponse } from '../../shared/site-settings';
import { cannedText, fillVariables, matchCanned, replaceSlash, slashQuery, unfilledVariables } from '../state/canned';
import { strings } from '../state/locale';
import { CANNED_LIST_ID, CannedPicker, cannedOptionId } from './CannedPicker';
import { VariableWarning } from './VariableWarning';

interface Props {
  conversationId: string;
  onSend(text: string, kind: 'text' | 'note', byEmail?: boolean): void;
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

export function ReplyBox({ conversationId, onSend, onTyping, drafts, canned, lang, values, canEmail }: Props) {
  const [byEmail, setByEmail] = useState(false);
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

  const send = (force: boolean) => {
    if (!draft.trim()) return;
    if (hasUnfilled && !force) {
      setBlocked(true);
      return;
    }
    onSend(draft, mode, canEmail === true && byEmail);
    setDraft('');
    setCaret(0);
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
      class={`reply${mode === 'note' ? ' note-mode' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        send(false);
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
        />
        <button type="submit" class="primary" disabled={!draft.trim()}>
          {t.send}
        </button>
      </div>
      <VariableWarning id="reply-vars" unfilled={unfilled} blocked={blocked} onSendAnyway={() => send(true)} />
    </form>
  );
}
