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

  it('signs in and exposes the agent', async () => {
    const session = createSession(fakeFetch(200, { agent: { id: 'ag_1', name: 'Ana', email: 'ana@example.com', role: 'admin' } }));
    expect(await session.signIn('ana@example.com', 'mostrador')).toBeNull();
    expect(session.agent.value).toMatchObject({ name: 'Ana' });
  });
});
