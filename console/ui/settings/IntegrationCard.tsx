/**
 * One shop platform: the fields to paste (secrets are write-only: left empty, the saved one is
 * kept), the URL to paste into the shop with a copy button, the last event and error, and the
 * import with its progress.
 */
import { useState } from 'preact/hooks';
import type { ConsoleStrings } from '../../../shared/i18n';
import type { Admin, ShopIntegration, ShopPlatform } from '../../state/admin';
import { strings } from '../../state/locale';
import { Feedback, saveError, type SaveError } from './feedback';
import { ImportControl } from './ImportControl';

interface Field {
  name: string;
  label: keyof ConsoleStrings;
  type: 'text' | 'url' | 'password';
  placeholder?: string;
}

const FIELDS: Record<ShopPlatform, Field[]> = {
  shopify: [
    { name: 'shopDomain', label: 'int_shopDomain', type: 'text', placeholder: 'mi-tienda.myshopify.com' },
    { name: 'webhookSecret', label: 'int_shopifySecret', type: 'password' },
    { name: 'accessToken', label: 'int_accessToken', type: 'password', placeholder: 'shpat_…' },
  ],
  woocommerce: [
    { name: 'storeUrl', label: 'int_storeUrl', type: 'url', placeholder: 'https://' },
    { name: 'webhookSecret', label: 'int_webhookSecret', type: 'password' },
    { name: 'consumerKey', label: 'int_consumerKey', type: 'password', placeholder: 'ck_…' },
    { name: 'consumerSecret', label: 'int_consumerSecret', type: 'password', placeholder: 'cs_…' },
  ],
  prestashop: [{ name: 'storeUrl', label: 'int_storeUrl', type: 'url', placeholder: 'https://' }],
};

function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const t = strings();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <>
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input id={id} type="text" readOnly value={value} onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <button type="button" class="ghost" onClick={() => void copy()} aria-label={`${t.copy}: ${label}`}>
          {copied ? t.copied : t.copy}
        </button>
      </div>
    </>
  );
}

export function IntegrationCard({ admin, integration, onSaved }: { admin: Admin; integration: ShopIntegration; onSaved: (i: ShopIntegration) => void }) {
  const t = strings();
  const p = integration.platform;
  const [values, setValues] = useState<Record<string, string>>(() => ({ ...integration.settings }));
  const [state, setState] = useState<{ saved: boolean; error: SaveError | null }>({ saved: false, error: null });
  const when = (iso: string) => new Date(iso).toLocaleString();

  const submit = async (e: Event) => {
    e.preventDefault();
    // Empty secrets are left out: the saved ones stay.
    const body = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ''));
    const r = await admin.saveIntegration(p, body);
    if (r.ok) {
      onSaved(r.value);
      setValues({ ...r.value.settings });
    }
    setState({ saved: r.ok, error: saveError(r, t) });
  };

  return (
    <form class="integration-card" aria-labelledby={`int-${p}-title`} onSubmit={(e) => void submit(e)}>
      <h3 id={`int-${p}-title`}>
        {t[`int_${p}`]} <span class={`int-status${integration.connected ? ' ok' : ''}`}>{integration.connected ? t.int_connected : t.int_notConnected}</span>
      </h3>
      {FIELDS[p].map((f) => {
        const isSet = f.type === 'password' && integration.secretsSet.includes(f.name);
        const id = `int-${p}-${f.name}`;
        return (
          <div key={f.name} class="field">
            <label for={id}>{t[f.label]}</label>
            <input
              id={id}
              type={f.type}
              autoComplete={f.type === 'password' ? 'new-password' : 'off'}
              spellcheck={false}
              value={values[f.name] ?? ''}
              placeholder={isSet ? '••••••••' : f.placeholder}
              aria-describedby={isSet ? `${id}-set` : undefined}
              aria-invalid={state.error?.field === f.name ? 'true' : undefined}
              onInput={(e) => setValues({ ...values, [f.name]: (e.target as HTMLInputElement).value })}
            />
            {isSet && (
              <small id={`${id}-set`} class="muted">
                {t.int_secretSet}
              </small>
            )}
          </div>
        );
      })}
      <div class="row-actions">
        <button type="submit" class="primary">
          {t.save}
        </button>
      </div>
      <Feedback saved={state.saved} error={state.error} savedText={t.saved} />
      <CopyField id={`int-${p}-webhook`} label={p === 'prestashop' ? t.int_apiUrl : t.int_webhookUrl} value={integration.webhookUrl} />
      {integration.proxyUrl && <CopyField id={`int-${p}-proxy`} label={t.int_proxyUrl} value={integration.proxyUrl} />}
      <dl class="integration-log">
        <dt>{t.int_lastEvent}</dt>
        <dd>{integration.lastEvent ? `${integration.lastEvent.topic} · ${when(integration.lastEvent.at)}` : t.int_none}</dd>
        <dt>{t.int_lastError}</dt>
        <dd class={integration.lastError ? 'form-error' : undefined}>{integration.lastError ? `${integration.lastError.message} · ${when(integration.lastError.at)}` : t.int_none}</dd>
      </dl>
      {p !== 'prestashop' && <ImportControl admin={admin} integration={integration} onStarted={onSaved} />}
    </form>
  );
}
