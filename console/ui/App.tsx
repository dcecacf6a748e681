/** Top level: sign-in when signed out, the workspace when signed in. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createContextModel } from '../state/context';
import { createInbox } from '../state/inbox';
import { createNotifier, tabTitle } from '../state/notify';
import { createWorkspaceData } from '../state/workspace';
import { VIEWS } from '../state/views';
import type { AgentInfo, Session } from '../state/session';
import { strings } from '../state/locale';
import { ContextPanel } from './ContextPanel';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';
import { AlertsMenu } from './AlertsMenu';
import { LanguagePicker } from './LanguagePicker';
import { ThemeToggle } from './ThemeToggle';
import { SignIn } from './SignIn';
import { VisitorsView } from './VisitorsView';
import { AccountView } from './AccountView';
import { LazyReports, LazySettings, LazySupervisor } from './LazyReports';
import { InviteAccept } from './InviteAccept';
import { inviteToken, resetToken } from '../state/account';
import { ResetPassword, ResetRequest } from './PasswordReset';

export function App({ session }: { session: Session }) {
  const agent = session.agent.value;
  // An invitation link (/console/#/invite/<token>) opens its own page, signed in or not.
  const [invite, setInvite] = useState(() => inviteToken());
  // A password-reset link (/console/#/reset/<token>), and "Forgot your password?" from sign-in.
  const [reset, setReset] = useState(() => resetToken());
  const [forgot, setForgot] = useState(false);
  useEffect(() => {
    const onHash = () => {
      setInvite(inviteToken());
      setReset(resetToken());
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  if (invite) return <InviteAccept token={invite} session={session} onLeave={() => setInvite(null)} />;
  if (agent === undefined)
    return session.unreachable.value ? (
      <main class="unreachable">
        <p role="status">{strings().unreachable}</p>
        <button type="button" class="primary" onClick={() => void session.load()}>
          {strings().retry}
        </button>
      </main>
    ) : (
      <main class="loading" aria-busy="true" />
    );
  if (reset)
    return (
      <ResetPassword
        token={reset}
        onLeave={() => {
          setReset(null);
          setForgot(false);
        }}
      />
    );
  if (agent === null) return forgot ? <ResetRequest onBack={() => setForgot(false)} /> : <SignIn session={session} onForgot={() => setForgot(true)} />;
  return <Workspace session={session} agent={agent} />;
}

function Workspace({ session, agent }: { session: Session; agent: AgentInfo }) {
  const t = strings();
  const notifier = useMemo(() => createNotifier(), []);
  const inbox = useMemo(() => {
    const created = createInbox(agent, {
      socketUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/agent`,
      onSessionEnded: () => void session.load(),
      onIncoming(e) {
        const mineOrQueued = (() => {
          const c = created.conversations.value.find((x) => x.id === e.conversationId);
          return !c || c.status === 'queued' || c.assigneeId === agent.id || c.assigneeId === null;
        })();
        if (!mineOrQueued) return;
        if (e.conversationId === created.selectedId.value && document.visibilityState === 'visible') return;
        notifier.beep();
        const c = created.conversations.value.find((x) => x.id === e.conversationId);
        const who = c ? c.visitorName || strings().visitor : strings().visitor;
        notifier.desktop(
          e.kind === 'conversation' ? strings().newConversation : `${strings().newMessageFrom} ${who}`,
          e.text,
          () => created.select(e.conversationId),
          e.conversationId,
        );
      },
    });
    return created;
  }, [agent.id]);
  // A notification the service worker showed was clicked: open its chat.
  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      const data = e.data as { type?: string; conversationId?: unknown } | null;
      if (data?.type === 'mostrador:open' && typeof data.conversationId === 'string') inbox.select(data.conversationId);
    };
    navigator.serviceWorker?.addEventListener('message', onMessage);
    return () => navigator.serviceWorker?.removeEventListener('message', onMessage);
  }, [inbox]);
  const context = useMemo(() => createContextModel(), [agent.id]);
  const workspace = useMemo(() => createWorkspaceData(), [agent.id]);
  useEffect(() => {
    inbox.start();
    void workspace.load();
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
  // Narrow screens show one pane: a chat opened (from the list, a shortcut, live visitors or a
  // notification) shows the chat; no chat shows the list.
  const [pane, setPane] = useState<'list' | 'chat' | 'customer'>(selected ? 'chat' : 'list');
  const selectedId = selected?.id ?? null;
  useEffect(() => setPane(selectedId ? 'chat' : 'list'), [selectedId]);
  const [screen, setScreen] = useState<'inbox' | 'settings' | 'visitors' | 'account' | 'reports' | 'live'>('inbox');
  // A chat the agent started from live visitors opens in the inbox.
  const started = inbox.started.value;
  useEffect(() => {
    if (started) setScreen('inbox');
  }, [started]);
  // Teams and canned responses may have changed while in settings.
  useEffect(() => {
    if (screen === 'inbox') void workspace.load();
  }, [screen]);
  const onlineVisitors = inbox.visitorCounts.value.online;
  // The open chat's shopper: their pages this visit and cart, beside the chat.
  const selectedVisitor = selected?.visitorId ?? null;
  useEffect(() => inbox.watchVisitor(selectedVisitor), [inbox, selectedVisitor]);

  // The tab title counts what needs the agent.
  const unreadTotal = [...inbox.unread.value.values()].reduce((a, b) => a + b, 0);
  useEffect(() => {
    document.title = tabTitle(unreadTotal, inbox.queued.value);
  }, [unreadTotal, inbox.queued.value]);

  // The phone's "Menu" of the top bar: open or not; a click elsewhere closes it.
  const [moreOpen, setMoreOpen] = useState(false);
  const moreButton = useRef<HTMLButtonElement>(null);
  const morePanel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!moreOpen) return;
    const onDown = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!moreButton.current?.contains(target) && !morePanel.current?.contains(target)) setMoreOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [moreOpen]);
  // What a shortcut found nothing for ("No other chat is waiting for a reply"), read out politely.
  const [shortcutNote, setShortcutNote] = useState('');
  // Keyboard: Alt+↓/↑ next/previous chat waiting for a reply, Alt+1…6 views, "/" search (docs/console.md).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typingInField = e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
      if (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        e.preventDefault();
        const moved = inbox.selectNeedingReply(e.key === 'ArrowDown' ? 1 : -1);
        setShortcutNote(moved ? '' : strings().noNeedsReply);
        // The chat's reply box is drawn after the selection changes: focus it then.
        if (moved) setTimeout(() => document.getElementById('reply')?.focus(), 0);
      } else if (e.altKey && /^[1-6]$/.test(e.key)) {
        e.preventDefault();
        inbox.view.value = VIEWS[Number(e.key) - 1]!;
      } else if (e.key === '/' && !typingInField && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        document.getElementById('conversation-search')?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [inbox]);

  return (
    <div class="workspace">
      <header class="topbar">
        <span class="brand">{t.appName}</span>
        <span class={`conn ${status}`} role="status" title={status === 'open' ? t.connected : t.reconnecting}>
          <span class="conn-text">{status === 'open' ? t.connected : t.reconnecting}</span>
        </span>
        <span class="spacer" />
        <label class="my-status">
          <span class="sr-only">{t.myStatus}</span>
          <select value={inbox.myStatus.value} onChange={(e) => inbox.setStatus((e.target as HTMLSelectElement).value as 'online' | 'away')}>
            <option value="online">● {t.statusOnline}</option>
            <option value="away">○ {t.statusAway}</option>
          </select>
        </label>
        <span class="muted small">
          {inbox.team.value.filter((a) => a.status === 'online').length} {t.teamOnline}
        </span>
        <span class="shortcuts muted small">{t.shortcuts}</span>
        <span class="sr-only" role="status">
          {shortcutNote}
        </span>
        <button type="button" class="ghost" aria-pressed={screen === 'visitors'} onClick={() => setScreen(screen === 'visitors' ? 'inbox' : 'visitors')}>
          <span class="label-long">{t.visitors}</span>
          <span class="label-short" aria-hidden="true">
            {t.visitorsShort}
          </span>{' '}
          <span class="count">{onlineVisitors}</span>
        </button>
        {/* A phone keeps one row: the rest sits behind "Menu" (a disclosure); wider screens show it inline. */}
        <button
          ref={moreButton}
          type="button"
          class="ghost phone-only more-toggle"
          aria-expanded={moreOpen}
          aria-controls="topbar-more"
          title={t.menu}
          onClick={() => setMoreOpen(!moreOpen)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && moreOpen) setMoreOpen(false);
          }}
        >
          <span aria-hidden="true">☰</span>
          <span class="sr-only">{t.menu}</span>
        </button>
        <div
          id="topbar-more"
          ref={morePanel}
          class="topbar-more"
          data-open={moreOpen ? 'true' : undefined}
          onKeyDown={(e) => {
            // The alerts menu's own Escape (it closes itself first) is not this one's.
            if (e.key === 'Escape' && moreOpen && !e.defaultPrevented) {
              setMoreOpen(false);
              moreButton.current?.focus();
            }
          }}
          // Choosing a screen (or signing out) closes it; the alerts menu and the pickers keep it open.
          onClick={(e) => {
            if ((e.target as Element).closest('button.screen')) setMoreOpen(false);
          }}
        >
          <AlertsMenu notifier={notifier} />
          {(agent.role === 'admin' || agent.role === 'supervisor') && (
            <>
              <button type="button" class="ghost screen" aria-pressed={screen === 'live'} onClick={() => setScreen(screen === 'live' ? 'inbox' : 'live')}>
                {t.liveView}
              </button>
              <button type="button" class="ghost screen" aria-pressed={screen === 'reports'} onClick={() => setScreen(screen === 'reports' ? 'inbox' : 'reports')}>
                {t.reports}
              </button>
            </>
          )}
          {agent.role === 'admin' && (
            <button type="button" class="ghost screen" aria-pressed={screen === 'settings'} onClick={() => setScreen(screen === 'settings' ? 'inbox' : 'settings')}>
              {screen === 'settings' ? t.inbox : t.settings}
            </button>
          )}
          <LanguagePicker />
          <ThemeToggle />
          <button type="button" class="ghost me screen" aria-pressed={screen === 'account'} title={t.account} onClick={() => setScreen(screen === 'account' ? 'inbox' : 'account')}>
            {agent.name} <span class="sr-only">· {t.account}</span>
          </button>
          <button type="button" class="ghost screen" onClick={() => void session.signOut()}>
            {t.signOut}
          </button>
        </div>
      </header>
      {screen === 'settings' && <LazySettings meId={agent.id} />}
      {screen === 'account' && <AccountView agent={agent} />}
      {screen === 'reports' && <LazyReports />}
      {screen === 'live' && <LazySupervisor inbox={inbox} />}
      {screen === 'visitors' && (
        <VisitorsView
          inbox={inbox}
          onOpenChat={(id) => {
            // "All open" holds it whoever has it.
            inbox.view.value = 'open';
            inbox.select(id);
            setScreen('inbox');
          }}
        />
      )}
      {/* On a phone one pane shows at a time (styles.css): list → chat → customer. */}
      <div
        class="columns"
        data-pane={pane}
        hidden={screen !== 'inbox'}
        // Tapping a chat in the list (the one already open, too) shows it.
        onClick={(e) => (e.target as Element).closest('.list .item') && setPane('chat')}
      >
        <ConversationList inbox={inbox} />
        <ConversationView inbox={inbox} meId={agent.id} meName={agent.name} context={context} workspace={workspace} onBack={() => setPane('list')} onShowCustomer={() => setPane('customer')} />
        <ContextPanel
          model={context}
          presence={selected ? inbox.presence.value : null}
          onShareOrder={inbox.shareOrder}
          onOpenConversation={(summary) => {
            // "All open" or "Resolved" holds it, whoever has it.
            inbox.view.value = summary.status === 'resolved' ? 'resolved' : 'open';
            inbox.open(summary);
          }}
          onBack={() => setPane('chat')}
        />
      </div>
    </div>
  );
}
