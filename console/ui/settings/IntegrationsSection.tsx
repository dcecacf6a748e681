/**
 * Settings → Integrations: one card per shop platform (Shopify, WooCommerce, PrestaShop). While an
 * import runs, the cards are read again every second for its progress.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Admin, ShopIntegration } from '../../state/admin';
import { strings } from '../../state/locale';
import { operationError } from './feedback';
import { IntegrationCard } from './IntegrationCard';

export function IntegrationsSection({ admin }: { admin: Admin }) {
  const t = strings();
  const [list, setList] = useState<ShopIntegration[]>([]);
  const [error, setError] = useState<string | null>(null);
  const refresh = async () => {
    const r = await admin.getIntegrations();
    if (r.ok) {
      setList(r.value.data);
      setError(null);
    }
    else setError(operationError(r, t));
  };
  useEffect(() => {
    void refresh();
    // Back from the shop's admin (where a webhook was just set up): show what arrived since.
    const onFocus = () => void refresh();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [admin]);
  const running = list.some((i) => i.import?.status === 'running');
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), 1000);
    return () => clearInterval(timer);
  }, [running]);

  const replace = (next: ShopIntegration) => setList((l) => l.map((i) => (i.platform === next.platform ? next : i)));
  return (
    <section class="panel-section integrations" aria-labelledby="integrations-title">
      <h2 id="integrations-title">{t.int_title}</h2>
      <p class="muted">{t.int_help}</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="integration-cards">
        {list.map((i) => (
          <IntegrationCard key={i.platform} admin={admin} integration={i} onSaved={replace} />
        ))}
      </div>
    </section>
  );
}
