/**
 * Takes the screenshots in docs/img/ (used by the README) from the real product: the built
 * server with the demo shop, shoppers writing through the widget and the protocol, and the demo
 * agent's console in Chromium — light, dark, on a phone — plus the widget's panel on the shop.
 *
 *   npm run build && npx tsx scripts/screenshots.ts
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { startServer } from '../server/index';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs', 'img');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((done, fail) => {
    const attempt = async () => {
      if (await check().catch(() => false)) return done();
      if (Date.now() > deadline) return fail(new Error(`timed out: ${what}`));
      setTimeout(attempt, 100);
    };
    void attempt();
  });
}

/** A shopper writing through the protocol, as the widget does (for the chats in the background). */
async function shopper(origin: string, texts: string[], locale: 'es' | 'en'): Promise<WebSocket> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws/visitor?site=pk_demo`, { headers: { Origin: origin } });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'hello', v: 1, locale }));
  await new Promise<void>((r) => ws.on('message', (d) => String(d).startsWith('{"type":"welcome"') && r()));
  for (const text of texts) {
    ws.send(JSON.stringify({ type: 'message.send', clientId: `shot${Math.random().toString(36).slice(2, 12)}`, text }));
    await new Promise((r) => setTimeout(r, 400));
  }
  return ws;
}

async function signIn(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/console/`);
  await page.getByLabel(/^(Email|Correo)/).fill('ana@example.com');
  await page.getByLabel(/^(Password|Contraseña)$/).fill('mostrador');
  await page.getByRole('button', { name: /^(Sign in|Entrar)$/ }).click();
  await page.getByLabel(/^(Email|Correo)/).waitFor({ state: 'detached' });
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'mostrador-shots-'));
  const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: '1', DIST_DIR: join(ROOT, 'dist') }), createLogger('warn'));
  const origin = `http://127.0.0.1:${server.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  const sockets: WebSocket[] = [];
  try {
    // Chats in the background: the bot answered one, two wait for a person.
    sockets.push(await shopper(origin, ['Hola, ¿hacéis envíos a Canarias?'], 'es'));
    sockets.push(await shopper(origin, ['Quiero hablar con una persona, el molinillo llegó roto'], 'es'));
    sockets.push(await shopper(origin, ['Hi! Can I change the grind of my order?', 'I would like to talk to a person'], 'en'));

    // The shopper in the foreground, on the demo shop with the widget.
    const shopContext = await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 800 } });
    const shop = await shopContext.newPage();
    await shop.goto(`${origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('Hola, ¿dónde está mi pedido? Quiero hablar con una persona');
    await panel.getByRole('button', { name: 'Enviar' }).click();
    await until(async () => (await panel.getByRole('log').innerText()).includes('Quiero hablar'), 'the shopper’s message');

    // The agent takes it and answers.
    const agentContext = await browser.newContext({ locale: 'es-ES', colorScheme: 'light', viewport: { width: 1440, height: 900 } });
    const agent = await agentContext.newPage();
    await signIn(agent, origin);
    // The newest chat (the shopper on the shop) is the first row.
    const row = agent.getByRole('button', { name: /^(Visitante|Visitor) / }).first();
    await row.waitFor();
    await row.click();
    const take = agent.getByRole('button', { name: /^(Take|Atender|Coger)/ }).first();
    if (await take.isVisible().catch(() => false)) await take.click();
    const reply = agent.getByLabel(/^(Reply|Respuesta|Responder)/).first();
    await reply.fill('¡Hola! Soy Ana. Tu pedido **1001** salió ayer con Correos Express; te llega mañana.');
    await agent.keyboard.press('Enter');
    await until(async () => (await panel.getByRole('log').innerText()).includes('Correos Express'), 'the agent’s reply in the widget');
    await agent.waitForTimeout(600);

    await agent.screenshot({ path: join(OUT, 'console-light.png') });
    await agent.emulateMedia({ colorScheme: 'dark' });
    await agent.waitForTimeout(300);
    await agent.screenshot({ path: join(OUT, 'console-dark.png') });

    const phoneContext = await browser.newContext({ locale: 'es-ES', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phone = await phoneContext.newPage();
    await signIn(phone, origin);
    await phone.getByRole('button', { name: /^(Visitante|Visitor) / }).first().click();
    await until(async () => (await phone.getByRole('log').innerText()).includes('Correos Express'), 'the chat on the phone');
    await phone.waitForTimeout(400);
    await phone.screenshot({ path: join(OUT, 'console-phone.png') });

    await shop.waitForTimeout(400);
    await shop.screenshot({ path: join(OUT, 'widget.png') });
    console.log(`screenshots written to ${OUT}`);
  } finally {
    for (const s of sockets) s.close();
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
