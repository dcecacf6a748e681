/** One conversation: header, log, typing state and the reply box. */
import { useEffect } from 'preact/hooks';
import { cannedValues } from '../state/canned';
import type { ContextModel } from '../state/context';
import type { Inbox } from '../state/inbox';
import { locale, strings } from '../state/locale';
import type { WorkspaceData } from '../state/workspace';
import { snoozeLabel, visitorLabel } from './ConversationList';
import { isSnoozed } from '../state/views';
import { ConversationActions } from './ConversationActions';
import { MessageLog } from './MessageLog';
import { ReplyBox } from './ReplyBox';
import { TagEditor } from './TagEditor';

export function ConversationView({ inbox, meId, meName, context, workspace, onBack, onShowCustomer }: {
  inbox: Inbox;
  meId: string;
  meName: string;
  context: ContextModel;
  workspace: WorkspaceData;
  /** Narrow screens: back to the list, and to the customer (the buttons show only there). */
  onBack?(): void;
  onShowCustomer?(): void;
}) {
  const t = strings();
  const conversation = inbox.selected.value;
  const items = inbox.selectedItems.value;

  // What an agent has on screen, in a visible tab, is read.
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState === 'visible') inbox.markRead();
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [items.length, conversation?.id]);

  if (!conversation) return <section class="view empty-view"><p class="muted">{t.selectConversation}</p></section>;
  const name = visitorLabel(conversation, t.visitor);
  const typing = inbox.typing.value.get(conversation.id);
  // The conversation's language: the shopper's, else the agent's own.
  const ctx = context.state.value.status === 'ready' && context.current === conversation.id ? context.state.value.data : null;
  const lang = ctx?.visitor.locale === 'es' || ctx?.visitor.locale === 'en' ? ctx.visitor.locale : locale.value;

  return (
    <section class="view" aria-labelledby="conversation-title">
      <header class="view-header">
        {onBack && (
          <button type="button" class="ghost phone-only back" onClick={onBack}>
            <span aria-hidden="true">← </span>
            {t.back}
          </button>
        )}
        <h2 id="conversation-title">{name}</h2>
        <span class={`status s-${conversation.status}`}>{t[`status_${conversation.status}`]}</span>
        {isSnoozed(conversation) && <span class="snoozed-tag">{snoozeLabel(conversation, t, locale.value)}</span>}
        {onShowCustomer && (
          <button type="button" class="ghost phone-only show-customer" onClick={onShowCustomer}>
            {t.showCustomer}
          </button>
        )}
        <ConversationActions inbox={inbox} conversation={conversation} meId={meId} teams={workspace.teams.value} />
      </header>
      <TagEditor
        inbox={inbox}
        conversation={conversation}
        intent={ctx?.intent ?? ctx?.handoff?.intent}
        siteTags={[...new Set([...workspace.tags.value, ...inbox.tagsInUse.value])]}
      />
      <MessageLog items={items} hasEarlier={inbox.selectedHasEarlier.value} onLoadEarlier={inbox.loadEarlier} visitorName={name} visitorReadSeq={conversation.visitorReadSeq} conversationId={conversation.id}
        onRetry={inbox.retry}
        focusSeq={inbox.focus.value?.conversationId === conversation.id ? inbox.focus.value.seq : null}
        onFocused={() => (inbox.focus.value = null)}
        emailFailures={inbox.emailFailures.value}
      />
      <p class="typing" aria-live="polite">
        {typing ? (typing.preview ? `${t.visitorTyping} “${typing.preview}”` : t.visitorTyping) : ''}
      </p>
      {!inbox.emailConfigured.value && (
        <p class="muted small email-off" role="note">
          {t.emailNotConfigured}
        </p>
      )}
      <ReplyBox
        key={conversation.id}
        conversationId={conversation.id}
        onSend={inbox.send}
        canEmail={inbox.emailConfigured.value && conversation.visitorEmail !== null}
        onTyping={inbox.sendTyping}
        drafts={inbox.drafts}
        draftFiles={inbox.draftFiles}
        canned={workspace.canned.value}
        lang={lang}
        values={() => cannedValues(ctx, meName, lang)}
      />
    </section>
  );
}
