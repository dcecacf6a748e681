/**
 * Issue 20 item 7 as people see it in the real console (Chromium), in English and Spanish: an
 * admin invites by email and copies a one-time link; the invitee sets a name and password and
 * lands signed in; the link never works twice. An agent sees where they are signed in, changes
 * their password (the other browser is signed out at once) and signs out everywhere else.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/browser';
import { seriousViolations } from '../helpers/axe';
import { T, signInToConsole, textOf, useServerAndBrowser } from '../helpers/e2e';

const ctx = useServerAndBrowser();

describe.runIf(hasChromium)('accounts in the console', () => {
  it('an admin invites by email (English); the invitee opens the link (Spanish), sets name and password and lands signed in, once', async () => {
    const adminContext = await ctx.browser.newContext({ locale: 'en-US' });
    const admin = await adminContext.newPage();
    await signInToConsole(admin, ctx.server.origin);
    await admin.getByRole('button', { name: 'Settings' }).click();
    const section = admin.getByRole('region', { name: 'Invite an agent' });
    await section.waitFor(T);
    await section.getByLabel('Email').fill('rocio@example.com');
    await section.getByRole('button', { name: 'Create invitation link' }).click();
    const linkField = section.getByLabel('Invitation link for rocio@example.com');
    await linkField.waitFor(T);
    const link = await linkField.inputValue();
    expect(link).toMatch(new RegExp(`^${ctx.server.origin}/console/#/invite/[A-Za-z0-9_-]{40,}$`));
    await expect.poll(textOf(section), T).toContain('Pending invitations');
    expect(await section.innerText()).toMatch(/rocio@example\.com · Agent · expires/);
    expect(await seriousViolations(admin)).toEqual([]);

    const inviteeContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const invitee = await inviteeContext.newPage();
    await invitee.goto(link);
    await invitee.getByRole('heading', { name: 'Únete al equipo de Café La Esquina' }).waitFor(T);
    expect(await invitee.getByText('rocio@example.com').count()).toBe(1);
    expect(await seriousViolations(invitee)).toEqual([]);
    await invitee.getByLabel('Tu nombre').fill('Rocío');
    await invitee.getByLabel('Elige una contraseña').fill('password1234');
    await invitee.getByRole('button', { name: 'Crear mi cuenta' }).click();
    await expect.poll(textOf(invitee.getByRole('alert')), T).toBe('Esta contraseña es demasiado común: elige otra.');
    await invitee.getByLabel('Elige una contraseña').fill('la tienda abre a las diez');
    await invitee.getByRole('button', { name: 'Crear mi cuenta' }).click();
    // Signed in: the inbox, her name, and the link gone from the address.
    await invitee.getByRole('button', { name: 'Salir' }).waitFor(T);
    await invitee.getByRole('button', { name: /Rocío/ }).waitFor(T);
    expect(new URL(invitee.url()).hash).toBe('');
    await inviteeContext.close();

    // The link is spent: opening it again says so, in the browser's language.
    const againContext = await ctx.browser.newContext({ locale: 'en-US' });
    const again = await againContext.newPage();
    await again.goto(link);
    await expect.poll(textOf(again.getByRole('alert')), T).toContain('This invitation link is not valid');
    await again.getByRole('button', { name: 'Go to sign in' }).click();
    await again.getByRole('button', { name: 'Sign in' }).waitFor(T);
    await againContext.close();

    // The admin sees her among the agents, and no longer among the pending invitations.
    await admin.reload();
    await admin.getByRole('button', { name: 'Settings' }).click();
    await admin.getByRole('cell', { name: 'rocio@example.com' }).waitFor(T);
    expect(await admin.getByRole('region', { name: 'Invite an agent' }).innerText()).not.toContain('Pending invitations');
    await adminContext.close();
  });

  it('an agent (Spanish) sees where they are signed in, changes the password and signs out everywhere else', async () => {
    const laptopContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const laptop = await laptopContext.newPage();
    const phoneContext = await ctx.browser.newContext({ locale: 'es-ES' });
    const phone = await phoneContext.newPage();
    for (const page of [laptop, phone]) {
      await page.goto(`${ctx.server.origin}/console/`);
      await page.getByLabel('Email').fill('luis@example.com');
      await page.getByLabel('Contraseña').fill('mostrador');
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.getByRole('button', { name: 'Salir' }).waitFor(T);
    }
    await laptop.getByRole('button', { name: /Mi cuenta/ }).click();
    await laptop.getByRole('heading', { name: 'Dónde tienes la sesión abierta' }).waitFor(T);
    const rows = laptop.locator('table.sessions tbody tr');
    await expect.poll(() => rows.count(), T).toBe(2);
    const current = laptop.locator('table.sessions tbody tr[aria-current="true"]');
    expect(await current.innerText()).toMatch(/Chrome · Linux · Este navegador\s+127\.0\.0\.1/);
    expect(await seriousViolations(laptop)).toEqual([]);

    // Wrong current password: said in Spanish, and nothing changes.
    await laptop.getByLabel('Contraseña actual').fill('no-es-esta');
    await laptop.getByLabel('Contraseña nueva').fill('el gato duerme en la caja');
    await laptop.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expect.poll(textOf(laptop.getByRole('alert')), T).toBe('La contraseña actual no es correcta.');
    // A weak one is refused before it is sent, in Spanish.
    await laptop.getByLabel('Contraseña actual').fill('mostrador');
    await laptop.getByLabel('Contraseña nueva').fill('luis-luis-luis-1');
    await laptop.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expect.poll(textOf(laptop.getByRole('alert')), T).toBe('La contraseña no debe contener tu email.');
    await laptop.getByLabel('Contraseña nueva').fill('el gato duerme en la caja');
    await laptop.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expect.poll(textOf(laptop.getByRole('status').filter({ hasText: 'Contraseña cambiada' })), T).toContain('Se cerraron tus otras sesiones.');
    // The phone is back at the sign-in form without being touched; the laptop stays.
    await phone.getByRole('button', { name: 'Entrar' }).waitFor(T);
    await expect.poll(() => rows.count(), T).toBe(1);

    // The phone signs in again with the new password; "sign out everywhere else" ends it.
    await phone.getByLabel('Email').fill('luis@example.com');
    await phone.getByLabel('Contraseña').fill('el gato duerme en la caja');
    await phone.getByRole('button', { name: 'Entrar' }).click();
    await phone.getByRole('button', { name: 'Salir' }).waitFor(T);
    await laptop.getByRole('button', { name: /Mi cuenta/ }).click();
    await laptop.getByRole('button', { name: /Mi cuenta/ }).click();
    await expect.poll(() => rows.count(), T).toBe(2);
    await laptop.getByRole('button', { name: 'Cerrar la sesión en los demás sitios' }).click();
    await phone.getByRole('button', { name: 'Entrar' }).waitFor(T);
    await expect.poll(() => rows.count(), T).toBe(1);
    await laptop.getByRole('button', { name: 'Salir' }).waitFor(T);
    await laptopContext.close();
    await phoneContext.close();
  });

  it('the account page in English', async () => {
    const context = await ctx.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signInToConsole(page, ctx.server.origin);
    await page.getByRole('button', { name: /My account/ }).click();
    await page.getByRole('heading', { name: 'Change your password' }).waitFor(T);
    await page.getByRole('heading', { name: "Where you're signed in" }).waitFor(T);
    await expect.poll(textOf(page.locator('table.sessions tbody tr[aria-current="true"]')), T).toContain('This browser');
    await page.getByLabel('Current password').fill('mostrador');
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Change password' }).click();
    // The browser's own minLength check stops it first; the console's rule speaks when it passes.
    await page.getByLabel('New password').fill('aaaaaaaaaaaaaaaa');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(textOf(page.getByRole('alert')), T).toBe('This password is too common: choose another.');
    await context.close();
  });
});
