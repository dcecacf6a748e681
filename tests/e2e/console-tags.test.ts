/**
 * Tags in the console (issue 16): an agent tags a chat from the keyboard (and takes the tag the
 * assistant's intent suggests), the tag shows on the chat's row for every agent at once, and the
 * list's tag filter shows only the chats with it.
 */
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../server/ids';
import { seriousViolations } from '../helpers/axe';
import { hasChromium } from '../helpers/browser';
import { signInToConsole, T, textOf, useServerAndBrowser } from '../helpers/e2e';
import { seedMessage } from '../helpers/seed';

const ctx = useServerAndBrowser();

async function chat(name: string, text: string, intent?: string): Promise<string> {
  const store = ctx.server.store;
  const siteId = (await store.sites.byPublicKey('pk_demo'))!.id;
  const visitor = await store.visitors.create({ siteId, tokenHash: hashToken(`tags-${name}`), locale: 'es', now: Date.now() });
  await store.visitors.setProfile(siteId, visitor.id, { name });
  const result = await seedMessage(store, { siteId, visitorId: visitor.id, clientId: `tags-${name.replace(/\W/g, '')}`, author: { kind: 'visitor', id: visitor.id }, text });
  if (intent) await store.conversations.saveBotData(siteId, result.conversation.id, { handoff: { reason: 'asked_for_human', intent, matchedOrderId: null, tried: [] } });
  return result.conversation.id;
}

describe.skipIf(!hasChromium)('tags in the console', () => {
  it('a tag added by an agent shows on the row for every agent and filters the list', async () => {
    await chat('Rosa Etiquetas', 'Quiero devolver el abrigo', 'returns');
    await chat('Pablo Sinetiqueta', '¿Abrís el domingo?');
    const anaContext = await ctx.browser.newContext({ locale: 'en-US' });
    const luisContext = await ctx.browser.newContext({ locale: 'en-US' });
    const ana = await anaContext.newPage();
    const luis = await luisContext.newPage();
    await signInToConsole(ana, ctx.server.origin);
    await signInToConsole(luis, ctx.server.origin, 'luis@example.com');
    const anaList = ana.getByRole('navigation', { name: 'Conversations' });
    const luisList = luis.getByRole('navigation', { name: 'Conversations' });
    await anaList.getByRole('button', { name: /Rosa Etiquetas/ }).click(T);

    // From the keyboard: the tag field, a tag, Enter.
    const tags = ana.getByRole('group', { name: 'Tags' });
    const field = tags.getByRole('combobox', { name: 'New tag' });
    await field.focus();
    await ana.keyboard.type('Envío Roto');
    await ana.keyboard.press('Enter');
    await tags.getByRole('button', { name: 'Remove tag envío-roto' }).waitFor(T);
    expect(await field.inputValue()).toBe('');
    // The assistant understood "returns": one press adds the suggested tag.
    const suggestion = tags.getByRole('button', { name: /\+ returns/ });
    await suggestion.focus();
    await ana.keyboard.press('Enter');
    await tags.getByRole('button', { name: 'Remove tag returns' }).waitFor(T);
    expect(await seriousViolations(ana)).toEqual([]);

    // Luis sees it on the row, live.
    const rosaForLuis = luisList.getByRole('button', { name: /Rosa Etiquetas/ });
    await expect.poll(textOf(rosaForLuis), T).toContain('envío-roto');

    // The filter: only the tagged chat.
    await expect.poll(() => anaList.getByRole('button', { name: /Pablo Sinetiqueta/ }).count(), T).toBe(1);
    await anaList.getByRole('combobox', { name: 'Tag', exact: true }).selectOption('envío-roto');
    await expect.poll(() => anaList.getByRole('button', { name: /Pablo Sinetiqueta/ }).count(), T).toBe(0);
    expect(await anaList.getByRole('button', { name: /Rosa Etiquetas/ }).count()).toBe(1);
    await ana.screenshot({ path: '/tmp/tags-filtered.png' });

    // Removing it (from the keyboard) empties the filtered list for Luis too.
    await luisList.getByRole('combobox', { name: 'Tag', exact: true }).selectOption('envío-roto');
    await expect.poll(() => luisList.getByRole('button', { name: /Rosa Etiquetas/ }).count(), T).toBe(1);
    await tags.getByRole('button', { name: 'Remove tag envío-roto' }).focus();
    await ana.keyboard.press('Enter');
    await expect.poll(() => luisList.getByRole('button', { name: /Rosa Etiquetas/ }).count(), T).toBe(0);
    await anaContext.close();
    await luisContext.close();
  });

  it('speaks Spanish', async () => {
    await chat('Elena Cambios', 'Quiero cambiar la talla', 'exchange');
    const context = await ctx.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signInToConsole(page, ctx.server.origin);
    await page.getByLabel('Language').selectOption('es');
    const list = page.getByRole('navigation', { name: 'Conversaciones' });
    await list.getByRole('button', { name: /Elena Cambios/ }).click(T);
    const tags = page.getByRole('group', { name: 'Etiquetas' });
    await tags.getByRole('button', { name: /\+ cambios/ }).click(T);
    await tags.getByRole('button', { name: 'Quitar etiqueta cambios' }).waitFor(T);
    await list.getByRole('combobox', { name: 'Etiqueta', exact: true }).selectOption('cambios');
    await expect.poll(() => list.getByRole('button', { name: /Elena Cambios/ }).count(), T).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
