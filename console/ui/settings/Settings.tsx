/**
 * Admin settings: embed, branding, security, business hours, the assistant's FAQ and policies,
 * canned responses, proactive rules, teams, agents, API keys, shop integrations and webhooks.
 */
import { useEffect, useMemo } from 'preact/hooks';
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
  return (
    <main class="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{t.settings}</h1>
      {site && <SiteSections admin={admin} site={site} />}
      {site && <HoursSection admin={admin} hours={site.hours} />}
      {site && <FaqSection admin={admin} faqs={site.faqs} />}
      <UnansweredSection admin={admin} />
      {site && <PoliciesSection admin={admin} policies={site.policies} />}
      <BotSection admin={admin} />
      {site && <CannedSection admin={admin} canned={site.canned} />}
      {site && <ProactiveSection admin={admin} rules={site.proactiveRules} />}
      {site && <TeamsSection admin={admin} teams={site.teams} />}
      <AgentsSection admin={admin} meId={meId} />
      <InvitesSection admin={admin} />
      {site && <KeysSection admin={admin} site={site} />}
      <IntegrationsSection admin={admin} />
      <WebhooksSection admin={admin} />
    </main>
  );
}
