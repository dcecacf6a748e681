import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { seriousViolations } from '../helpers/axe';
import { hasChromium, launchBrowser } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { png } from '../helpers/png';

let server: TestServer;
let browser: Browser;
const T = { timeout: 10_000 };


beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.destroy();
});

describe.runIf(hasChromium)('attachments in the browser', () => {
  it('a shopper sends a photo and the agent sees it; a disguised file is refused with a message', async () => {
    const shopperContext = await browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('button', { name: 'Adjuntar archivo' }).waitFor();
    await panel.locator('input[type=file]').setInputFiles({ name: 'taza-rota.png', mimeType: 'image/png', buffer: png() });
    const shopperImage = panel.getByRole('log').getByRole('img', { name: 'taza-rota.png' });
    await expect.poll(() => shopperImage.count(), T).toBe(1);
    await expect.poll(() => shopperImage.evaluate((img) => (img as HTMLImageElement).naturalWidth), T).toBe(1);

    await panel.locator('input[type=file]').setInputFiles({ name: 'virus.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<script>alert(1)</script>') });
    await expect.poll(() => panel.locator('.uploads').innerText(), T).toContain('Envía imágenes');

    const agentContext = await browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await agent.goto(`${server.origin}/console/`);
    await agent.getByLabel('Email').fill('ana@example.com');
    await agent.getByLabel('Password').fill('mostrador');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('button', { name: /taza-rota\.png/ }).click();
    const agentImage = agent.getByRole('log').getByRole('img', { name: 'taza-rota.png' });
    await expect.poll(() => agentImage.count(), T).toBe(1);
    await expect.poll(() => agentImage.evaluate((img) => (img as HTMLImageElement).naturalWidth), T).toBe(1);
    await shopperContext.close();
    await agentContext.close();
  });
  it("an agent's image reaches the shopper: pasted into the console's composer, previewed, sent", async () => {
    const shopperContext = await browser.newContext({ locale: 'es-ES' });
    const shop = await shopperContext.newPage();
    await shop.goto(`${server.origin}/demo/`);
    await shop.getByRole('button', { name: /chat/i }).click();
    const panel = shop.frameLocator('iframe[title*="chat" i]');
    await panel.getByRole('textbox', { name: 'Mensaje' }).fill('¿Me mandáis la etiqueta de devolución?');
    await panel.getByRole('button', { name: 'Enviar' }).click();

    const agentContext = await browser.newContext({ locale: 'en-US' });
    const agent = await agentContext.newPage();
    await agent.goto(`${server.origin}/console/`);
    await agent.getByLabel('Email').fill('ana@example.com');
    await agent.getByLabel('Password').fill('mostrador');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('button', { name: /etiqueta de devolución/ }).click();
    await agent.getByRole('button', { name: /Attach a file/ }).waitFor();

    // A file of the wrong type is refused with a clear message, before any upload.
    await agent.locator('.reply input[type=file]').setInputFiles({ name: 'notas.txt', mimeType: 'text/plain', buffer: Buffer.from('hola') });
    await expect.poll(() => agent.locator('.draft-files').innerText(), T).toContain('Wrong type');
    // The refusal beside the file reads well in both themes (axe: no serious or critical finding).
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.emulateMedia({ colorScheme: 'dark' });
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.emulateMedia({ colorScheme: 'light' });
    await agent.getByRole('button', { name: 'Remove: notas.txt' }).click();

    // An image pasted from the clipboard into the reply box.
    const bytes = [...png()];
    await agent.getByLabel('Reply').evaluate((box, data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], 'etiqueta-devolucion.png', { type: 'image/png' }));
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, bytes);
    const preview = agent.getByRole('list', { name: 'Files for this message' }).getByRole('img', { name: 'etiqueta-devolucion.png' });
    await expect.poll(() => preview.count(), T).toBe(1);
    await expect.poll(() => preview.evaluate((img) => (img as HTMLImageElement).naturalWidth), T).toBe(1);
    // And a PDF dropped onto the composer.
    const pdf = [...Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')];
    await agent.locator('form.reply').evaluate((form, data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], 'factura.pdf', { type: 'application/pdf' }));
      form.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, pdf);
    await expect.poll(() => agent.getByRole('list', { name: 'Files for this message' }).innerText(), T).toContain('factura.pdf');
    await expect.poll(() => agent.getByRole('list', { name: 'Files for this message' }).getByRole('progressbar').count(), T).toBe(0);
    await agent.getByLabel('Reply').fill('Aquí la tienes');
    await agent.getByRole('button', { name: 'Send' }).click();
    const agentImage = agent.getByRole('log').getByRole('img', { name: 'etiqueta-devolucion.png' });
    await expect.poll(() => agentImage.count(), T).toBe(1);

    // The shopper's widget shows the image (loaded from its signed URL) with the text.
    const shopperImage = panel.getByRole('log').getByRole('img', { name: 'etiqueta-devolucion.png' });
    await expect.poll(() => shopperImage.count(), T).toBe(1);
    await expect.poll(() => shopperImage.evaluate((img) => (img as HTMLImageElement).naturalWidth), T).toBe(1);
    await expect.poll(() => panel.getByRole('log').innerText(), T).toContain('Aquí la tienes');
    await expect.poll(() => panel.getByRole('log').getByRole('link', { name: /factura\.pdf/ }).count(), T).toBe(1);
    await shopperContext.close();
    await agentContext.close();
  });
});
