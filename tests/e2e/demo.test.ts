import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf } from '../helpers/e2e';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('demo shop: Mis pedidos and the back office', () => {
  it("shipping from the back office tells the shopper in their open chat, live, and 'Mis pedidos' shows the tracking", async () => {
    // The shopper, signed in as María, is chatting.
    const shopper = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopper.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await Promise.all([shop.waitForEvent('load'), shop.getByLabel('Cuenta (demo)').selectOption('cus_maria')]);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('Hola, ¿cuándo sale mi pedido?');
    await panel.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(textOf(panel.getByRole('log')), T).toContain('Hola, ¿cuándo sale mi pedido?');

    // The shop's staff, in the back office: María's seeded orders are all shipped or delivered,
    // so they take a new one for her and ship it.
    const staff = await ctx.browser.newContext({ locale: 'es-ES' });
    const office = await staff.newPage();
    await office.goto(`${ctx.server.origin}/demo/trastienda.html`);
    const status = office.getByRole('status');
    await office.getByLabel('Nuevo pedido de prueba para').selectOption('cus_maria');
    await office.getByRole('button', { name: 'Crear pedido' }).click();
    await expect.poll(textOf(status), T).toMatch(/Pedido \d+ creado para María García/);
    const number = /Pedido (\d+) creado/.exec(await status.innerText())![1]!;
    const actions = office.getByRole('group', { name: `Acciones del pedido ${number}` });
    await expect.poll(() => actions.getByRole('button', { name: 'Enviar' }).isEnabled(), T).toBe(true);
    expect(await actions.getByRole('button', { name: 'Entregar' }).isDisabled()).toBe(true);

    await actions.getByRole('button', { name: 'Enviar' }).click();
    await expect.poll(textOf(status), T).toContain(`Pedido ${number} enviado`);
    expect(await status.innerText()).toContain('La API respondió 201: aviso de pedido enviado entregado en el chat del cliente');
    const row = office.getByRole('row').filter({ has: office.getByRole('rowheader', { name: number, exact: true }) });
    await expect.poll(textOf(row), T).toContain('Enviado');

    // The order message arrives in the shopper's open chat without a reload, in Spanish.
    await expect.poll(textOf(panel.getByRole('log')), T).toContain(`Tu pedido ${number} ya está en camino con Correos Express`);
    // …followed by the order as the same card the bot shows, with the tracking link (no raw URL in the text).
    const chatCard = panel.getByRole('group', { name: `Pedido #${number}` });
    await expect.poll(() => chatCard.count(), T).toBe(1);
    expect(await chatCard.innerText()).toContain('Enviado');
    expect(await chatCard.getByRole('link', { name: 'Seguir el paquete' }).getAttribute('href')).toMatch(/^https:\/\/s\.correosexpress\.com\/.*CE\d+ES$/);
    expect(await panel.getByRole('log').innerText()).not.toContain('https://');

    // "Mis pedidos" shows the order as shipped, with a safe tracking link.
    await shop.getByRole('link', { name: 'Mis pedidos' }).click();
    const card = shop.getByRole('article', { name: `Pedido ${number}` });
    await expect.poll(textOf(card), T).toContain('Enviado');
    expect(await card.innerText()).toContain('Correos Express');
    const track = card.getByRole('link', { name: /Seguir el envío/ });
    expect(await track.getAttribute('href')).toMatch(/^https:\/\/s\.correosexpress\.com\/.*CE\d+ES$/);
    expect((await track.getAttribute('rel'))?.split(' ')).toEqual(expect.arrayContaining(['noopener', 'noreferrer']));
    // The chat is on this page too, still signed in as María.
    await shop.getByRole('button', { name: /chat/i }).click();
    await expect.poll(textOf(panel.getByRole('log')), T).toContain(`Tu pedido ${number} ya está en camino`);

    await shopper.close();
    await staff.close();
  });

  it('the back office refuses cross-origin and non-JSON posts, and Mis pedidos 404s unknown customers', async () => {
    const origin = ctx.server.origin;
    const url = `${origin}/demo/api/backoffice/orders/ord_1003/ship`;
    const foreign = await fetch(url, { method: 'POST', headers: { Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const noOrigin = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(noOrigin.status).toBe(403);
    const form = await fetch(url, { method: 'POST', headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
    expect(form.status).toBe(415);
    // Nothing was shipped.
    const order = await fetch(`${origin}/api/v1/orders/ord_1003`, { headers: { Authorization: 'Bearer sk_demo_secret' } }).then((r) => r.json());
    expect(order.status).toBe('pending');
    expect(order.shipments).toEqual([]);

    expect((await fetch(`${origin}/demo/api/orders?customer=cus_nobody`)).status).toBe(404);
    const maria = await fetch(`${origin}/demo/api/orders?customer=cus_maria`).then((r) => r.json());
    expect(maria.orders.map((o: { number: string }) => o.number)).toContain('1001');
  });
});
