import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BusinessHours, CannedResponse, ProactiveRule } from '../../shared/site-settings';
import type { FaqEntry } from '../../server/domain/bot';
import type { RoutingSettings } from '../../server/domain/routing';
import type { SiteSettings } from '../../server/domain/site-settings';
import { defaultSiteSettings, parseSiteSettings } from '../../server/domain/site-settings';
import { DEMO_SITE_SETTINGS } from '../../server/store/seed';
import { DEFAULT_CAPACITY, DEFAULT_GRACE_MS } from '../../server/domain/routing';

const RULE = {
  id: 'r1',
  enabled: true,
  priority: 1,
  conditions: [{ type: 'time_on_page', seconds: 10 }],
  message: { es: 'Hola', en: 'Hi' },
  from: { kind: 'bot' },
  onceEveryDays: 1,
};

describe('site settings as stored', () => {
  it('parse to the shapes the rest of the code (and the console and widget, in shared/) use', () => {
    // Checked by the type checker (npx tsc -p .): the schema's output fits every hand-written shape.
    expectTypeOf<NonNullable<SiteSettings['hours']>>().toMatchTypeOf<BusinessHours>();
    expectTypeOf<SiteSettings['canned'][number]>().toMatchTypeOf<CannedResponse>();
    expectTypeOf<SiteSettings['proactive']['rules'][number]>().toMatchTypeOf<ProactiveRule>();
    expectTypeOf<SiteSettings['bot']['faqs'][number]>().toMatchTypeOf<FaqEntry>();
    expectTypeOf<SiteSettings['routing']>().toMatchTypeOf<RoutingSettings>();
  });

  it('fills every default for a site with nothing saved', () => {
    const { settings, problems } = parseSiteSettings({});
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      brandColor: null,
      logoUrl: null,
      launcherPosition: null,
      theme: 'auto',
      greeting: {},
      livePreview: false,
      requireVerifiedIdentity: false,
      preChatForm: false,
      bot: { enabled: true, name: null, faqs: [], policies: {}, hours: null, webhook: null },
      routing: { mode: 'auto', defaultCapacity: DEFAULT_CAPACITY, vipTag: 'vip', vipLifetimeValue: null, fallbackToAnyAgent: false, graceMs: DEFAULT_GRACE_MS },
      hours: null,
      canned: [],
      proactive: { rules: [] },
      teams: [],
    });
    expect(defaultSiteSettings()).toEqual(settings);
  });

  it('reads the demo shop as seeded without a problem, keeping keys it does not know', () => {
    const { settings, problems } = parseSiteSettings(DEMO_SITE_SETTINGS);
    expect(problems).toEqual([]);
    expect(settings.brandColor).toBe('#8a4b2a');
    expect(settings.bot.faqs.length).toBeGreaterThan(0);
    expect(settings.hours?.timeZone).toBe('Europe/Madrid');
    expect(settings.proactive.rules.map((r) => r.id)).toEqual(['cart-help']);
    expect(settings.canned.map((c) => c.shortcut)).toEqual(['hola', 'seguimiento']);
    expect(settings.locale).toBe('es');
  });

  it('keeps partial sections and fills the rest of them', () => {
    const { settings, problems } = parseSiteSettings({ routing: { mode: 'manual', graceMs: 300, custom: 1 }, bot: { enabled: false } });
    expect(problems).toEqual([]);
    expect(settings.routing).toEqual({ mode: 'manual', defaultCapacity: DEFAULT_CAPACITY, vipTag: 'vip', vipLifetimeValue: null, fallbackToAnyAgent: false, graceMs: 300, custom: 1 });
    expect(settings.bot.enabled).toBe(false);
    expect(settings.bot.faqs).toEqual([]);
  });

  it('falls back only for the parts that do not fit, and names them', () => {
    const { settings, problems } = parseSiteSettings({
      brandColor: 'red',
      livePreview: 'yes',
      hours: 'always',
      bot: { enabled: 'no', name: 'Rita', faqs: [{ id: 'f1', question: 'Q?', answer: 'A.', locale: 'es' }, { id: 'f2', question: 'Q?' }] },
      routing: 7,
      canned: { not: 'a list' },
      proactive: { rules: [RULE, { ...RULE, id: 'r2', conditions: [] }] },
      teams: ['Ventas', 42],
    });
    expect(problems.sort()).toEqual(['bot.enabled', 'bot.faqs.1', 'brandColor', 'canned', 'hours', 'livePreview', 'proactive.rules.1', 'routing', 'teams.1'].sort());
    expect(settings.brandColor).toBeNull();
    expect(settings.livePreview).toBe(false);
    expect(settings.hours).toBeNull();
    expect(settings.bot.enabled).toBe(true);
    expect(settings.bot.name).toBe('Rita');
    expect(settings.bot.faqs.map((f) => f.id)).toEqual(['f1']);
    expect(settings.bot.faqs[0]!.keywords).toEqual([]);
    expect(settings.routing.mode).toBe('auto');
    expect(settings.canned).toEqual([]);
    expect(settings.proactive.rules.map((r) => r.id)).toEqual(['r1']);
    expect(settings.teams).toEqual(['Ventas']);
  });

  it('never throws on stored JSON that is not an object', () => {
    for (const raw of [null, 'x', 3, [1, 2]]) {
      const { settings, problems } = parseSiteSettings(raw);
      expect(problems).toEqual(['(settings)']);
      expect(settings).toEqual(defaultSiteSettings());
    }
  });

  it('an external bot without a secret is no bot; one with it gets its defaults', () => {
    expect(parseSiteSettings({ bot: { webhook: { url: 'https://bot.example' } } }).settings.bot.webhook).toBeNull();
    expect(parseSiteSettings({ bot: { webhook: { url: 'https://bot.example', secret: 's' } } }).settings.bot.webhook).toEqual({ url: 'https://bot.example', secret: 's', fallback: 'builtin', timeoutMs: 5000 });
  });
});

describe('the store parses a site once', () => {
  it('a site whose stored settings are broken still loads, with the bad parts at their defaults, logged once', async () => {
    const { rmSync } = await import('node:fs');
    const { eq, sql } = await import('drizzle-orm');
    const { openDb } = await import('../../server/store/db');
    const { seedDemo } = await import('../../server/store/seed');
    const { SqliteStore } = await import('../../server/store/sqlite-store');
    const t = await import('../../server/store/schema');
    const { tempDataDir } = await import('../helpers/server');
    const dir = tempDataDir();
    const opened = openDb(dir);
    try {
      const siteId = await seedDemo(opened.db, Date.now());
      opened.db.update(t.sites).set({ settings: sql`json('{"brandColor":42,"bot":{"enabled":false,"faqs":"nope"},"teams":["Ventas"]}')` }).where(eq(t.sites.id, siteId)).run();
      const warnings: unknown[] = [];
      const store = new SqliteStore(opened, { warn: (obj: unknown) => void warnings.push(obj) });
      const site = (await store.sites.byId(siteId))!;
      expect(site.settings.brandColor).toBeNull();
      expect(site.settings.bot.enabled).toBe(false);
      expect(site.settings.bot.faqs).toEqual([]);
      expect(site.settings.teams).toEqual(['Ventas']);
      expect(site.settings.routing.mode).toBe('auto');
      // Parsed once: the same (frozen) record for every reader, by id and by public key.
      expect(await store.sites.byPublicKey(site.publicKey)).toBe(site);
      expect(Object.isFrozen(site.settings)).toBe(true);
      // A write drops the cached record; the same problems are not logged again.
      await store.sites.update(siteId, { name: 'Renamed' });
      expect((await store.sites.byId(siteId))!.name).toBe('Renamed');
      expect(warnings).toEqual([{ siteId, fields: ['brandColor', 'bot.faqs'] }]);
    } finally {
      opened.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
