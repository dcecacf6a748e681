import { describe, expect, it } from 'vitest';
import { WIDGET_STRINGS } from '../../shared/i18n';
import { parseSiteSettings } from '../../server/domain/site-settings';
import { frameHtml, frameLocale } from '../../server/routes/frame-page';

const site = { name: 'Tienda <b>', settings: parseSiteSettings({}).settings };
const config = (html: string) => JSON.parse(/<script type="application\/json" id="mostrador-config">(.*?)<\/script>/.exec(html)![1]!) as Record<string, unknown>;

describe('the panel page’s language', () => {
  it('follows the lang the loader passes, else the browser’s languages in order, else English', () => {
    expect(frameLocale('es', 'en-US,en;q=0.9')).toBe('es');
    expect(frameLocale(undefined, 'fr-FR,es-ES;q=0.8,en;q=0.5')).toBe('es');
    expect(frameLocale('de', 'en-GB')).toBe('en');
    expect(frameLocale(undefined, undefined)).toBe('en');
  });

  it('inlines the strings of that language only, as inert JSON', () => {
    const html = frameHtml('<html><head></head><body></body></html>', site, { locale: 'es' });
    const c = config(html);
    expect(c.lang).toBe('es');
    expect(c.t).toEqual(WIDGET_STRINGS.es);
    expect(html).not.toContain(WIDGET_STRINGS.en.messagePlaceholder);
    expect(html).not.toContain('<b>');
    expect(config(frameHtml('<head></head>', site, { locale: 'en' })).t).toEqual(WIDGET_STRINGS.en);
  });
});
