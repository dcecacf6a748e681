/**
 * The supervisor's live view and the Reports page's filters in real Chromium (issue 14): open
 * chats with their state, holder and wait; agents with status and load against capacity; a chat
 * read read-only and reassigned, live over the agent socket; then the Reports page in Spanish,
 * filtered by agent and language (translated headings, charts with their tables, CSV links that
 * carry the filters), with axe-core finding nothing serious.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { useServerAndBrowser, T, textOf, signInToConsole } from '../helpers/e2e';
import { seriousViolations } from '../helpers/axe';
import { cid, connectAgent, connectVisitor, signIn } from '../helpers/ws-client';
import { DEFAULT_CAPACITY } from '../../server/domain/routing';

const ctx = useServerAndBrowser({ bot: false, routing: 'manual' });

type Socket = Awaited<ReturnType<typeof connectAgent>>['socket'];
async function say(socket: Socket, conversationId: string | undefined, text: string): Promise<string> {
  const clientId = cid();
  socket.send({ type: 'message.send', clientId, ...(conversationId ? { conversationId } : {}), text });
  return (await socket.next((f) => f.type === 'ack' && f.clientId === clientId)).conversationId as string;
}

describe.runIf(hasChromium)('supervisor live view and report filters', () => {
  it('shows open chats and agents live, reads a chat read-only, reassigns it; the Reports page filters in Spanish', async () => {
    const site = (await ctx.server.store.sites.byPublicKey('pk_demo'))!;
    const luisRecord = (await ctx.server.store.agents.list(site.id)).find((a) => a.email === 'luis@example.com')!;
    const luisId = luisRecord.id;
    const capacity = luisRecord.capacity ?? (site.settings.routing as { defaultCapacity?: number } | undefined)?.defaultCapacity ?? DEFAULT_CAPACITY;
    const luis = await connectAgent(ctx.server, await signIn(ctx.server, 'luis@example.com'));
    luis.socket.send({ type: 'status', status: 'online' });

    // One chat Luis takes and answers (Spanish), one left in the queue (English).
    const maria = await connectVisitor(ctx.server, { locale: 'es' });
    const held = await say(maria.socket, undefined, '¿Tenéis la talla 42 de las botas?');
    const take = cid('act');
    luis.socket.send({ type: 'conversation.action', clientId: take, conversationId: held, action: 'take' });
    await luis.socket.next((f) => f.type === 'ack' && f.clientId === take);
    await say(luis.socket, held, 'Sí, en marrón y en negro');
    const john = await connectVisitor(ctx.server, { locale: 'en' });
    const queued = await say(john.socket, undefined, 'Hello, can I still change my delivery address?');

    const anaContext = await ctx.browser.newContext({ locale: 'en-US' });
    const ana = await anaContext.newPage();
    await signInToConsole(ana, ctx.server.origin);
    await ana.getByRole('button', { name: 'Live', exact: true }).click();
    const live = ana.getByRole('main', { name: 'Live view' });
    const chats = live.getByRole('group', { name: 'Open chats' });
    const heldRow = chats.locator(`tr[data-conversation="${held}"]`);
    const queuedRow = chats.locator(`tr[data-conversation="${queued}"]`);
    await expect.poll(() => heldRow.count(), T).toBe(1);
    await expect.poll(() => queuedRow.count(), T).toBe(1);
    const cells = async (row: typeof heldRow) => (await row.getByRole('cell').allInnerTexts()).map((c) => c.trim());
    // Luis answered: nobody owes the shopper an answer; the queued shopper has waited since writing.
    await expect.poll(async () => (await cells(heldRow)).slice(0, 3), T).toEqual(['With an agent', 'Luis', '—']);
    await expect.poll(async () => (await cells(queuedRow)).slice(0, 2), T).toEqual(['In the queue', 'Nobody']);
    expect((await cells(queuedRow))[2]).toMatch(/^\d+ s$/);
    const agents = live.getByRole('group', { name: 'Agents' });
    const luisRow = agents.locator(`tr[data-agent="${luisId}"]`);
    await expect.poll(async () => (await luisRow.getByRole('cell').allInnerTexts()).map((c) => c.trim()), T).toEqual(['Online', `1 / ${capacity}`]);

    // Read the queued chat: its transcript, and no reply box.
    await queuedRow.getByRole('button', { name: /^Read the chat with .+ \(read-only\)$/ }).click();
    const transcript = live.getByRole('region', { name: /^Chat with .+ \(read-only\)$/ });
    await expect.poll(textOf(transcript), T).toContain('Hello, can I still change my delivery address?');
    expect(await live.getByRole('combobox', { name: 'Reply' }).count()).toBe(0);
    expect(await seriousViolations(ana)).toEqual([]);

    // Reassign it to Luis: the list and his load follow over the socket.
    await queuedRow.getByRole('combobox', { name: /^Reassign the chat with .+ to$/ }).selectOption(luisId);
    await queuedRow.getByRole('button', { name: 'Reassign' }).click();
    await expect.poll(async () => (await cells(queuedRow)).slice(0, 2), T).toEqual(['With an agent', 'Luis']);
    await expect.poll(async () => (await luisRow.getByRole('cell').allInnerTexts()).map((c) => c.trim()), T).toEqual(['Online', `2 / ${capacity}`]);
    // Keyboard: the reassign control is reachable by Tab from the read button.
    await queuedRow.getByRole('button', { name: /^Read the chat/ }).focus();
    await ana.keyboard.press('Tab');
    expect(await ana.evaluate(() => document.activeElement?.tagName)).toBe('SELECT');

    // The Reports page in Spanish, filtered.
    await ana.getByRole('combobox', { name: 'Language' }).selectOption('es');
    await ana.getByRole('button', { name: 'Informes', exact: true }).click();
    const reports = ana.getByRole('main', { name: 'Informes' });
    const conversations = () => reports.getByRole('definition').first().innerText();
    await expect.poll(conversations, T).toBe('2');
    const volume = reports.getByRole('region', { name: 'Conversaciones y mensajes por día' });
    expect((await volume.getByRole('columnheader').allInnerTexts()).map((c) => c.trim())).toEqual(['Fecha', 'Conversaciones', 'Mensajes', 'De clientes', 'De agentes', 'Del asistente']);
    await reports.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
    await expect.poll(conversations, T).toBe('1');
    await reports.getByRole('combobox', { name: 'Idioma' }).selectOption('');
    await reports.getByRole('combobox', { name: 'Agente' }).selectOption(luisId);
    await expect.poll(conversations, T).toBe('2');
    await reports.getByRole('combobox', { name: 'Agente' }).selectOption({ label: 'Ana' });
    await expect.poll(conversations, T).toBe('0');
    await reports.getByRole('combobox', { name: 'Agente' }).selectOption('');
    await expect.poll(conversations, T).toBe('2');
    // The CSV links carry the filters; every chart has its table.
    await reports.getByRole('combobox', { name: 'Canal' }).selectOption('chat');
    const csv = volume.getByRole('link', { name: /Descargar CSV|Download CSV/ });
    await expect.poll(async () => (await csv.getAttribute('href')) ?? '', T).toContain('channel=chat');
    await expect.poll(() => reports.locator('.report-chart[data-chart="first-response"] canvas').count(), T).toBe(1);
    for (const chart of ['volume', 'first-response', 'heatmap']) {
      const section = reports.locator(`section:has([data-chart="${chart}"])`);
      expect(await section.getByRole('table').count()).toBe(1);
    }
    const heatmapTable = reports.getByRole('region', { name: 'Conversaciones por día de la semana y hora' }).getByRole('table');
    expect((await heatmapTable.getByRole('rowheader').allInnerTexts()).map((c) => c.trim())).toEqual(['Lunes', 'Martes', 'Miércoles', 'Jueves', 'Viernes', 'Sábado', 'Domingo']);
    expect(await seriousViolations(ana)).toEqual([]);

    for (const s of [luis.socket, maria.socket, john.socket]) s.close();
    await anaContext.close();
  });
});
