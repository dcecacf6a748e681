/** Admin settings: embed, branding, security, agents, API keys and webhooks. */
import { useEffect, useMemo } from 'preact/hooks';
import { createAdmin } from '../../state/admin';
import { strings } from '../../state/locale';
import { AgentsSection } from './AgentsSection';
import { KeysSection } from './KeysSection';
import { SiteSections } from './SiteSections';
import { WebhooksSection } from './WebhooksSection';

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
      {site && <KeysSection admin={admin} site={site} />}
      <AgentsSection admin={admin} meId={meId} />
      <WebhooksSection admin={admin} />
    </main>
  );
}
