/**
 * Outside business hours in real Chromium: the shopper is told when people are back and may
 * leave an email; an agent who is online anyway takes the chat by hand and answers — from then
 * the panel names them and no longer says nobody is there (no offline form beside a live reply).
 * When people are back is told on the shop's clock, as its assistant tells it, with the shop's
 * city when the shopper's clock reads another time.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser({ routing: 'auto' });

type Schedule = { weekly: Record<string, [string, string][]> };

/** The demo site's hours (Madrid) and, when `bot`, its assistant on. */
async function setHours(schedule: Schedule, bot = false): Promise<void> {
  const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
  const settings = { ...site.settings, hours: { timeZone: 'Europe/Madrid', schedule } };
  await ctx.server.store.sites.update(site.id, { settings: bot ? { ...settings, bot: { ...site.settings.bot, enabled: true } } : settings });
}

/** A shopper on the demo shop with the chat open; `say` sends a message from its composer. */
async function openChat(opts: { locale: 'es-ES' | 'en-US'; timezoneId?: string }) {
  const shopper = await ctx.browser.newContext({ locale: opts.locale, ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}) });
  const shop = await shopper.newPage();
  await shop.goto(`${ctx.server.origin}${opts.locale === 'en-US' ? '/demo/?lang=en' : '/demo/'}`);
  await shop.getByRole('button', { name: /chat/i }).click();
  const panel = shop.frameLocator('iframe[title*="chat" i]');
  const box = panel.getByRole('textbox', { name: opts.locale === 'en-US' ? 'Message' : 'Mensaje' });
  const say = async (text: string) => {
    await box.fill(text);
    await box.press('Enter');
  };
  return { shopper, panel, say };
}

describe.runIf(hasChromium)('the widget outside business hours', () => {
  it('offers the email form while closed, and drops it once an agent online anyway takes the chat and answers', async () => {
    await setHours({ weekly: {} });
    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin, 'luis@example.com');

    const { shopper, panel, say } = await openChat({ locale: 'es-ES' });
    await say('¿Hay alguien un domingo?');
    // Closed: nothing handed out, the email form is offered.
    const form = panel.getByRole('form', { name: /no hay nadie conectado/i });
    await form.waitFor(T);

    // Luis, online anyway, takes it by hand from the queue and answers.
    await agent.getByRole('button', { name: /^Queue/ }).click();
    await agent.getByRole('button', { name: /Hay alguien un domingo/ }).click();
    await agent.getByRole('button', { name: /^Take/ }).click();
    await agent.getByLabel('Reply').fill('¡Hola! Estoy por aquí, dime.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('Estoy por aquí');
    await expect.poll(textOf(panel.locator('header')), T).toContain('Luis');
    await form.waitFor({ state: 'detached', ...T });
    await agentContext.close();
    await shopper.close();
  });

  it("says when people are back on the shop's clock, as the assistant does, naming the shop's city to a shopper on another clock (es, en)", async () => {
    // Open only three days from now (Madrid), 09:00–10:00: closed now, back that day at 09:00.
    const inMadrid = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Madrid', weekday: 'short' });
    const day = inMadrid.format(Date.now() + 3 * 86_400_000).toLowerCase().slice(0, 3);
    // The assistant on: handing the chat over out of hours, it says when people are back.
    await setHours({ weekly: { [day]: [['09:00', '10:00']] } }, true);
    const names = { es: { mon: 'lunes', tue: 'martes', wed: 'miércoles', thu: 'jueves', fri: 'viernes', sat: 'sábado', sun: 'domingo' }, en: { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' } } as const;
    const cases = [
      // Mexico City's clock reads another hour: the header names Madrid.
      { locale: 'es-ES' as const, timezoneId: 'America/Mexico_City', say: 'Quiero hablar con una persona', header: `Volvemos el ${names.es[day as 'mon']} a las 09:00 (hora de Madrid)`, bot: `volvemos el ${names.es[day as 'mon']} a las 09:00` },
      // On the shop's own clock: no city.
      { locale: 'en-US' as const, timezoneId: 'Europe/Madrid', say: 'I want to talk to a person', header: `Back ${names.en[day as 'mon']} at 09:00`, bot: `back on ${names.en[day as 'mon']} at 09:00` },
    ];
    for (const c of cases) {
      const { shopper, panel, say } = await openChat(c);
      await say(c.say);
      await expect.poll(textOf(panel.getByRole('log')), T).toContain(c.bot);
      await expect.poll(textOf(panel.locator('header')), T).toContain(c.header);
      if (c.timezoneId === 'Europe/Madrid') expect(await panel.locator('header').innerText()).not.toContain('(');
      await shopper.close();
    }
  });

  it('does not ask a guest for the email they just proved an order with: the panel says where it will answer (es)', async () => {
    await setHours({ weekly: {} }, true);
    const { shopper, panel, say } = await openChat({ locale: 'es-ES' });
    await say('Es el pedido 1001 y mi email es maria@example.com');
    await panel.getByRole('group', { name: 'Pedido #1001' }).waitFor(T);
    await say('Quiero hablar con una persona');
    await expect.poll(textOf(panel.getByRole('status').filter({ hasText: 'no hay nadie conectado' })), T).toContain('Te responderemos en maria@example.com');
    expect(await panel.getByRole('form', { name: /no hay nadie conectado/i }).count()).toBe(0);
    await shopper.close();
  });
});
