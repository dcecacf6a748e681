/**
 * The selected conversation's tags (contact reasons): each removable, a field to add one (the
 * site's tags as suggestions) and the tag suggested from what the assistant understood.
 */
import { useState } from 'preact/hooks';
import type { ConversationSummary } from '../../shared/protocol';
import { normaliseTag, TAG_LIMITS } from '../../shared/tags';
import type { Inbox } from '../state/inbox';
import { strings } from '../state/locale';
import { suggestedTag } from '../state/tags';

export function TagEditor({ inbox, conversation, intent, siteTags }: { inbox: Inbox; conversation: ConversationSummary; intent: string | null | undefined; siteTags: string[] }) {
  const t = strings();
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const tags = conversation.tags ?? [];
  const suggestion = suggestedTag(intent, t as unknown as Record<string, string>);
  const refused = inbox.tagError.value;
  const add = (raw: string): boolean => {
    const tag = normaliseTag(raw);
    if (!tag) return setProblem(t.tagInvalid), false;
    if (!tags.includes(tag) && tags.length >= TAG_LIMITS.perConversation) return setProblem(t.tagTooMany), false;
    setProblem(null);
    inbox.setTag(conversation.id, tag, true);
    return true;
  };
  const listId = `site-tags-${conversation.id}`;
  return (
    <div class="tags" role="group" aria-label={t.tags}>
      {tags.length > 0 && (
        <ul class="tag-list">
          {tags.map((tag) => (
            <li key={tag} class="tag">
              <span>{tag}</span>
              <button type="button" class="tag-remove" aria-label={`${t.tagRemove} ${tag}`} title={t.tagRemove} onClick={() => inbox.setTag(conversation.id, tag, false)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {suggestion && !tags.includes(suggestion) && (
        <button type="button" class="ghost tag-suggest" title={t.tagSuggested} onClick={() => add(suggestion)}>
          + {suggestion}
          <span class="sr-only"> ({t.tagSuggested})</span>
        </button>
      )}
      <form
        class="tag-add"
        onSubmit={(e) => {
          e.preventDefault();
          if (add(draft)) setDraft('');
        }}
      >
        <label>
          <span class="sr-only">{t.tagNew}</span>
          <input type="text" class="tag-input" list={listId} value={draft} maxLength={60} placeholder={t.tagNew} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
        </label>
        <datalist id={listId}>
          {siteTags.filter((s) => !tags.includes(s)).map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <button type="submit" class="ghost">
          {t.tagAdd}
        </button>
      </form>
      {(problem || refused) && (
        <span class="form-error small" role="alert">
          {problem ?? `${t.tagFailed} ${refused!.message}`}
        </span>
      )}
    </div>
  );
}
