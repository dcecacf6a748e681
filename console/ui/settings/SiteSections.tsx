/** Embed snippet, branding and security settings of the site. */
import { useState } from 'preact/hooks';
import type { Admin, SiteSettings } from '../../state/admin';
import { strings } from '../../state/locale';
import { saveError } from './feedback';

function Status({ message }: { message: string | null }) {
  return (
    <p class="form-status" role="status">
      {message}
    </p>
  );
}

export function SiteSections({ admin, site }: { admin: Admin; site: SiteSettings }) {
  const t = strings();
  const [copied, setCopied] = useState(false);
  const [name, setName] = useState(site.name);
  const [color, setColor] = useState(site.brandColor ?? '#1f5f8b');
  const [logo, setLogo] = useState(site.logoUrl ?? '');
  const [position, setPosition] = useState(site.launcherPosition);
  const [theme, setTheme] = useState(site.theme ?? 'auto');
  const [greetingEs, setGreetingEs] = useState(site.greeting.es ?? '');
  const [greetingEn, setGreetingEn] = useState(site.greeting.en ?? '');
  const [origins, setOrigins] = useState(site.allowedOrigins.join('\n'));
  const [livePreview, setLivePreview] = useState(site.livePreview);
  const [requireVerified, setRequireVerified] = useState(site.requireVerifiedIdentity);
  const [botEnabled, setBotEnabled] = useState(site.botEnabled);
  const [routingMode, setRoutingMode] = useState(site.routingMode);
  const [brandStatus, setBrandStatus] = useState<string | null>(null);
  const [securityStatus, setSecurityStatus] = useState<string | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(site.snippet);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };

  const saveBranding = async (e: Event) => {
    e.preventDefault();
    const r = await admin.saveSite({ name, brandColor: color, logoUrl: logo.trim() || null, launcherPosition: position, theme, greeting: { es: greetingEs, en: greetingEn } });
    setBrandStatus(r.ok ? t.saved : (saveError(r, t, { name: t.shopName })?.message ?? r.error));
  };

  const saveSecurity = async (e: Event) => {
    e.preventDefault();
    const allowedOrigins = origins
      .split('\n')
      .map((o) => o.trim())
      .filter(Boolean);
    const r = await admin.saveSite({ allowedOrigins, livePreview, requireVerifiedIdentity: requireVerified, botEnabled, routingMode });
    setSecurityStatus(r.ok ? t.saved : (saveError(r, t)?.message ?? r.error));
  };

  return (
    <>
      <section class="panel-section" aria-labelledby="embed-title">
        <h2 id="embed-title">{t.embed}</h2>
        <p class="muted">{t.embedHelp}</p>
        <pre class="snippet">
          <code>{site.snippet}</code>
        </pre>
        <button type="button" class="ghost" onClick={() => void copy()}>
          {copied ? t.copied : t.copy}
        </button>
      </section>

      <form class="panel-section" aria-labelledby="branding-title" onSubmit={saveBranding}>
        <h2 id="branding-title">{t.branding}</h2>
        <label for="site-name">{t.shopName}</label>
        <input id="site-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <label for="site-color">{t.brandColor}</label>
        <input id="site-color" type="color" value={color} onInput={(e) => setColor((e.target as HTMLInputElement).value)} />
        <label for="site-logo">{t.logoUrl}</label>
        <input id="site-logo" type="url" inputMode="url" placeholder="https://" value={logo} onInput={(e) => setLogo((e.target as HTMLInputElement).value)} />
        <fieldset class="radio-row">
          <legend>{t.launcherPosition}</legend>
          {(['right', 'left'] as const).map((p) => (
            <label key={p}>
              <input type="radio" name="launcher-position" value={p} checked={position === p} onChange={() => setPosition(p)} />
              {p === 'right' ? t.positionRight : t.positionLeft}
            </label>
          ))}
        </fieldset>
        <fieldset class="radio-row">
          <legend>{t.widgetTheme}</legend>
          {(['auto', 'light', 'dark'] as const).map((v) => (
            <label key={v}>
              <input type="radio" name="widget-theme" value={v} checked={theme === v} onChange={() => setTheme(v)} />
              {v === 'auto' ? t.widgetThemeAuto : v === 'light' ? t.widgetThemeLight : t.widgetThemeDark}
            </label>
          ))}
        </fieldset>
        <label for="greeting-es">{t.greetingEs}</label>
        <input id="greeting-es" lang="es" maxLength={280} value={greetingEs} onInput={(e) => setGreetingEs((e.target as HTMLInputElement).value)} />
        <label for="greeting-en">{t.greetingEn}</label>
        <input id="greeting-en" lang="en" maxLength={280} value={greetingEn} onInput={(e) => setGreetingEn((e.target as HTMLInputElement).value)} />
        <button type="submit" class="primary">
          {t.save}
        </button>
        <Status message={brandStatus} />
      </form>

      <form class="panel-section" aria-labelledby="security-title" onSubmit={saveSecurity}>
        <h2 id="security-title">{t.security}</h2>
        <label for="origins">{t.allowedOrigins}</label>
        <textarea id="origins" rows={4} value={origins} aria-describedby="origins-help" onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)} />
        <p id="origins-help" class="muted small">
          {t.allowedOriginsHelp}
        </p>
        <label class="check">
          <input type="checkbox" checked={livePreview} onChange={(e) => setLivePreview((e.target as HTMLInputElement).checked)} />
          {t.livePreviewLabel}
        </label>
        <label class="check">
          <input type="checkbox" checked={botEnabled} onChange={(e) => setBotEnabled((e.target as HTMLInputElement).checked)} />
          {t.botEnabledLabel}
        </label>
        <label for="routing-mode">{t.routingMode}</label>
        <select id="routing-mode" value={routingMode} onChange={(e) => setRoutingMode((e.target as HTMLSelectElement).value as 'auto' | 'manual')}>
          <option value="auto">{t.routingAuto}</option>
          <option value="manual">{t.routingManual}</option>
        </select>
        <label class="check">
          <input type="checkbox" checked={requireVerified} onChange={(e) => setRequireVerified((e.target as HTMLInputElement).checked)} />
          {t.requireVerifiedLabel}
        </label>
        <button type="submit" class="primary">
          {t.save}
        </button>
        <Status message={securityStatus} />
      </form>
    </>
  );
}
