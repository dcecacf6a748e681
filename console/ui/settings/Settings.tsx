/**
 * Admin settings: embed, branding, security, business hours, the assistant's FAQ and policies,
 * canned responses, proactive rules, teams, agents, API keys, shop integrations and webhooks.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createAdmin } from '../../state/admin';
import { strings } from '../../state/locale';
import { AgentsSection } from './AgentsSection';
import { BotSection } from './BotSection';
import { CannedSection } from './CannedSection';
import { FaqSection } from './FaqSection';
import { HoursSection } from './HoursSection';
import { IntegrationsSection } from './IntegrationsSection';
import { InvitesSection } from './InvitesSection';
import { KeysSection } from './KeysSection';
import { PoliciesSection } from './PoliciesSection';
import { ProactiveSection } from './ProactiveSection';
import { SiteSections } from './SiteSections';
import { TeamsSection } from './TeamsSection';
import { UnansweredSection } from './UnansweredSection';
import { WebhooksSection } from './WebhooksSection';
import './settings.css';

export function Settings({ meId }: { meId: string }) {
  const t = strings();
  const admin = useMemo(() => createAdmin(), []);
  useEffect(() => {
    void admin.load();
  }, [admin]);
  const site = admin.site.value;
  const [group, setGroup] = useState<Group>('all');
  const [query, setQuery] = useState('');
  const body = useRef<HTMLDivElement>(null);
  const [matches, setMatches] = useState<number | null>(null);
  // The search looks through what each section says (its title, labels and help), accents and case aside.
  useEffect(() => {
    const root = body.current;
    if (!root) return;
    const q = fold(query.trim());
    let shown = 0;
    for (const el of root.querySelectorAll<HTMLElement>(':scope > .settings-group > *')) {
      const hit = !q || fold(el.textContent ?? '').includes(q);
      el.hidden = !hit;
      if (hit) shown++;
    }
    setMatches(q ? shown : null);
  });
  const groups: { id: Group; label: string; sections: ComponentChildren }[] = [
    {
      id: 'shop',
      label: t.set_shop,
      sections: (
        <>
          {site && <SiteSections admin={admin} site={site} />}
          {site && <HoursSection admin={admin} hours={site.hours} />}
          {site && <KeysSection admin={admin} site={site} />}
        </>
      ),
    },
    {
      id: 'assistant',
      label: t.set_assistant,
      sections: (
        <>
          {site && <FaqSection admin={admin} faqs={site.faqs} />}
          <UnansweredSection admin={admin} />
          {site && <PoliciesSection admin={admin} policies={site.policies} />}
          <BotSection admin={admin} />
          {site && <CannedSection admin={admin} canned={site.canned} />}
          {site && <ProactiveSection admin={admin} rules={site.proactiveRules} />}
        </>
      ),
    },
    {
      id: 'team',
      label: t.set_team,
      sections: (
        <>
          {site && <TeamsSection admin={admin} teams={site.teams} />}
          <AgentsSection admin={admin} meId={meId} />
          <InvitesSection admin={admin} />
        </>
      ),
    },
    {
      id: 'connections',
      label: t.set_connections,
      sections: (
        <>
          <IntegrationsSection admin={admin} />
          <WebhooksSection admin={admin} />
        </>
      ),
    },
  ];
  return (
    <main class="settings settings-paged" aria-labelledby="settings-title">
      <h1 id="settings-title">{t.settings}</h1>
      <div class="settings-layout">
        <nav class="settings-nav" aria-label={t.set_nav}>
          <label class="settings-search">
            <span class="sr-only">{t.set_search}</span>
            <input type="search" placeholder={t.set_search} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
          </label>
          <ul>
            {[{ id: 'all' as Group, label: t.set_all }, ...groups].map((g) => (
              <li key={g.id}>
                <button type="button" class="settings-nav-item" aria-current={group === g.id ? 'page' : undefined} onClick={() => setGroup(g.id)}>
                  {g.label}
                </button>
              </li>
            ))}
          </ul>
          <p class="sr-only" role="status">
            {matches === null ? '' : matches === 0 ? t.set_noMatch : `${matches} ${t.set_found}`}
          </p>
        </nav>
        <div class="settings-body" ref={body}>
          {groups.map((g) => (
            <div key={g.id} class="settings-group" hidden={group !== 'all' && group !== g.id}>
              {g.sections}
            </div>
          ))}
          {matches === 0 && <p class="muted">{t.set_noMatch}</p>}
        </div>
      </div>
    </main>
  );
}

type Group = 'all' | 'shop' | 'assistant' | 'team' | 'connections';

/** Lower case without accents: "envío" is found by "envio". */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
