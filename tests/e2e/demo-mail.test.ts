/**
 * The demo without a mail server (issue 13): the mail the server sends is kept and listed at
 * /demo/correo/ ("Correo (demo)" in the shop's header); its "Responder" goes through the real
 * inbound path and reaches the agent in the console, marked as come by e-mail.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';

const ctx = useServerAndBrowser({ env: { MAIL_INTERVAL_MS: '100' } });

describe.runIf(hasChromium)('the demo mailbox', () => {
  it('shows the mail sent to the shopper, and its reply reaches the agent', async () => {
    const shopperContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${ctx.server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    const form = panel.getByRole('form', { name: /no hay nadie conectado/ });
    await form.waitFor(T);
    await form.getByLabel('Tu email').fill('elena@example.com');
    await form.getByRole('button', { name: 'Guardar' }).click();
    await expect.poll(textOf(panel.locator('.offline-note')), T).toContain('elena@example.com');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Tenéis molinillos manuales?');
    await panel.getByRole('button', { name: 'Enviar' }).click();
    // The shopper asks for the conversation by e-mail ("Email me this chat", a lazy chunk).
    await panel.getByRole('button', { name: 'Enviarme este chat por email' }).click();
    await expect.poll(textOf(panel.locator('button.transcript')), T).toBe('Enviado a elena@example.com');

    // The shop's header leads to the mailbox; the confirmation is there.
    await shop.getByRole('link', { name: 'Correo (demo)' }).click();
    await shop.waitForURL(/\/demo\/correo\/$/);
    // Two mails, sent one after the other by the dispatcher: the page is reloaded until both are listed.
    const mailbox = async () => {
      await shop.reload();
      return shop.locator('main').innerText();
    };
    await expect.poll(mailbox, T).toContain('¿Tenéis molinillos manuales?');
    await expect.poll(mailbox, T).toContain('Tu conversación con');
    const mail = shop.getByRole('article').filter({ hasText: 'Hemos recibido tu mensaje' }).first();
    await expect.poll(textOf(mail), T).toContain('Para: elena@example.com');

    const agentContext = await ctx.browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await signInToConsole(agent, ctx.server.origin, 'luis@example.com');
    await agent.getByRole('button', { name: /molinillos manuales/ }).click();

    await mail.getByLabel(/Responder como elena@example.com/).fill('Sí, el de cerámica me interesa.');
    await mail.getByRole('button', { name: 'Responder' }).click();
    await expect.poll(textOf(shop.getByRole('status')), T).toContain('Respuesta enviada');

    const log = agent.locator('.msg').filter({ hasText: 'Sí, el de cerámica me interesa.' });
    await expect.poll(textOf(log), T).toContain('by e-mail');

    // The agent answers by e-mail on purpose: it lands in the mailbox at once.
    await agent.getByLabel('Also send by e-mail').check();
    await agent.locator('#reply').fill('Te lo enviamos mañana.');
    await agent.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(textOf(agent.locator('.msg').filter({ hasText: 'Te lo enviamos mañana.' })), T).toContain('by e-mail');
    await expect
      .poll(async () => {
        await shop.reload();
        return shop.getByRole('article').first().innerText();
      }, T)
      .toContain('Te lo enviamos mañana.');

    // The conversation list filters by channel: this chat went on by e-mail.
    const channel = agent.getByRole('combobox', { name: 'Channel' });
    await channel.selectOption('chat');
    await expect.poll(() => agent.locator('button.item').count(), T).toBe(0);
    await channel.selectOption('email');
    await expect.poll(() => agent.locator('button.item').count(), T).toBe(1);
    await shopperContext.close();
    await agentContext.close();
  });
});
