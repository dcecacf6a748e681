/** Top level: sign-in when signed out, the workspace when signed in. */
import { useEffect, useMemo } from 'preact/hooks';
import { createContextModel } from '../state/context';
import { createInbox } from '../state/inbox';
import type { AgentInfo, Session } from '../state/session';
import { strings } from '../state/locale';
import { ContextPanel } from './ContextPanel';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';
import { LanguagePicker } from './LanguagePicker';
import { SignIn } from './SignIn';

export function App({ session }: { session: Session }) {
  const agent = session.agent.value;
  if (agent === undefined) return <main class="loading" aria-busy="true" />;
  if (agent === null) return <SignIn session={session} />;
  return <Workspace session={session} agent={agent} />;
}

function Workspace({ session, agent }: { session: Session; agent: AgentInfo }) {
  const t = strings();
  const inbox = useMemo(
    () =>
      createInbox(agent, {
        socketUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/agent`,
        onSessionEnded: () => void session.load(),
      }),
    [agent.id],
  );
  const context = useMemo(() => createContextModel(), [agent.id]);
  useEffect(() => {
    inbox.start();
    return () => inbox.stop();
  }, [inbox]);
  // Reload the customer when the selection changes, or when the selected shopper identifies.
  const selected = inbox.selected.value;
  const selectedKey = selected ? `${selected.id}|${selected.verified}|${selected.visitorName}` : '';
  useEffect(() => {
    const sameConversation = selected !== null && context.current === selected.id;
    void context.load(selected?.id ?? null, { quiet: sameConversation });
  }, [selectedKey]);
  const status = inbox.status.value;

  return (
    <div class="workspace">
      <header class="topbar">
        <span class="brand">{t.appName}</span>
        <span class={`conn ${status}`} role="status">
          {status === 'open' ? t.connected : t.reconnecting}
        </span>
        <span class="spacer" />
        <LanguagePicker />
        <span class="me">{agent.name}</span>
        <button type="button" class="ghost" onClick={() => void session.signOut()}>
          {t.signOut}
        </button>
      </header>
      <div class="columns">
        <ConversationList inbox={inbox} />
        <ConversationView inbox={inbox} />
        <ContextPanel model={context} presence={selected ? inbox.visitors.value.get(selected.visitorId) : undefined} />
      </div>
    </div>
  );
}
