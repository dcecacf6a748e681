/** Who is signed in, and the sign-in / sign-out actions. The only module that calls /api/agent. */
import { signal } from '@preact/signals';
import { installCsrfFetch, setCsrfToken } from './api';

// Before any module binds fetch: every state-changing request carries the CSRF token.
installCsrfFetch();

export interface AgentInfo {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'supervisor' | 'agent';
}

export type SignInError = 'bad_credentials' | 'rate_limited' | 'network' | 'invalid';

/** A shop the same email and password open (sign-in asks which one: 409 choose_site). */
export interface ShopChoice {
  key: string;
  name: string;
}

export function createSession(fetchImpl: typeof fetch = fetch.bind(globalThis)) {
  /** undefined while the first check runs; null when signed out. */
  const agent = signal<AgentInfo | null | undefined>(undefined);
  /** The first check could not reach the server (offline, or it is down): not the same as signed out. */
  const unreachable = signal(false);

  async function load(): Promise<void> {
    try {
      const res = await fetchImpl('/api/agent/me', { credentials: 'same-origin' });
      const body = res.ok ? ((await res.json()) as { agent: AgentInfo; csrfToken?: string }) : null;
      setCsrfToken(body?.csrfToken ?? null);
      unreachable.value = false;
      agent.value = body?.agent ?? null;
    } catch {
      // Before anyone is known (the installed console opened offline): say so, and try again
      // when the network is back; a signed-in agent stays in the workspace, which reconnects.
      if (agent.value === undefined) unreachable.value = true;
      else agent.value = null;
    }
  }
  if (typeof addEventListener === 'function') addEventListener('online', () => void (unreachable.value && load()));

  /** Null when signed in; the shops to choose from when the email and password open several. */
  async function signIn(email: string, password: string, site?: string): Promise<SignInError | { chooseShop: ShopChoice[] } | null> {
    let res: Response;
    try {
      res = await fetchImpl('/api/agent/session', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password, ...(site ? { site } : {}) }),
      });
    } catch {
      return 'network';
    }
    if (res.status === 409) {
      const body = (await res.json().catch(() => null)) as { code?: string; sites?: ShopChoice[] } | null;
      if (body?.code === 'choose_site' && Array.isArray(body.sites)) return { chooseShop: body.sites };
    }
    if (res.ok) {
      const body = (await res.json()) as { agent: AgentInfo; csrfToken?: string };
      setCsrfToken(body.csrfToken ?? null);
      agent.value = body.agent;
      return null;
    }
    if (res.status === 429) return 'rate_limited';
    if (res.status === 400) return 'invalid';
    return 'bad_credentials';
  }

  async function signOut(): Promise<void> {
    try {
      await fetchImpl('/api/agent/session', { method: 'DELETE', credentials: 'same-origin' });
    } finally {
      setCsrfToken(null);
      agent.value = null;
    }
  }

  return { agent, unreachable, load, signIn, signOut };
}

export type Session = ReturnType<typeof createSession>;
