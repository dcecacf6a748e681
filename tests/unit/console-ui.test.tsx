import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { locale } from '../../console/state/locale';
import { createSession } from '../../console/state/session';
import { SignIn } from '../../console/ui/SignIn';

afterEach(cleanup);

function fakeFetch(status: number, body: unknown): typeof fetch {
  return (async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })) as typeof fetch;
}

describe('SignIn', () => {
  it('has labelled fields in English and Spanish', () => {
    locale.value = 'en';
    const { unmount } = render(<SignIn session={createSession(fakeFetch(401, {}))} />);
    expect(screen.getByLabelText('Email')).toBeTruthy();
    expect(screen.getByLabelText('Password')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    unmount();
    locale.value = 'es';
    render(<SignIn session={createSession(fakeFetch(401, {}))} />);
    expect(screen.getByLabelText('Contraseña')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Entrar' })).toBeTruthy();
  });

  it('announces wrong credentials and too many attempts', async () => {
    locale.value = 'en';
    const { unmount } = render(<SignIn session={createSession(fakeFetch(401, { title: 'nope' }))} />);
    fireEvent.input(screen.getByLabelText('Email'), { target: { value: 'ana@example.com' } });
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'bad' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('not correct'));
    unmount();
    render(<SignIn session={createSession(fakeFetch(429, {}))} />);
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Too many attempts'));
  });

  it('asks which shop when the email and password open several, in English and Spanish, and sends the choice', async () => {
    const sent: unknown[] = [];
    const fetchImpl = (async (_url: string, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as { site?: string };
      sent.push(body);
      if (!body.site) {
        return new Response(JSON.stringify({ status: 409, code: 'choose_site', sites: [{ key: 'pk_a', name: 'Tienda A' }, { key: 'pk_b', name: 'Tienda B' }] }), { status: 409 });
      }
      return new Response(JSON.stringify({ agent: { id: 'ag_b', name: 'Luis', email: 'luis@example.com', role: 'agent' } }), { status: 200 });
    }) as typeof fetch;
    for (const [lang, shopLabel, button] of [['es', 'Tienda', 'Entrar'], ['en', 'Shop', 'Sign in']] as const) {
      locale.value = lang;
      sent.length = 0;
      const session = createSession(fetchImpl);
      const { unmount } = render(<SignIn session={session} />);
      fireEvent.input(screen.getByLabelText('Email'), { target: { value: 'luis@example.com' } });
      fireEvent.input(screen.getByLabelText(lang === 'es' ? 'Contraseña' : 'Password'), { target: { value: 'la-misma-clave' } });
      fireEvent.submit(screen.getByRole('button', { name: button }).closest('form')!);
      const select = (await screen.findByLabelText(shopLabel)) as HTMLSelectElement;
      expect([...select.options].map((o) => o.textContent)).toEqual(['Tienda A', 'Tienda B']);
      fireEvent.change(select, { target: { value: 'pk_b' } });
      fireEvent.submit(select.closest('form')!);
      await waitFor(() => expect(session.agent.value).toMatchObject({ id: 'ag_b' }));
      expect(sent).toEqual([
        { email: 'luis@example.com', password: 'la-misma-clave' },
        { email: 'luis@example.com', password: 'la-misma-clave', site: 'pk_b' },
      ]);
      unmount();
    }
  });

  it('signs in and exposes the agent', async () => {
    const session = createSession(fakeFetch(200, { agent: { id: 'ag_1', name: 'Ana', email: 'ana@example.com', role: 'admin' } }));
    expect(await session.signIn('ana@example.com', 'mostrador')).toBeNull();
    expect(session.agent.value).toMatchObject({ name: 'Ana' });
  });
});
