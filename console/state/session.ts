/** Who is signed in, and the sign-in / sign-out actions. The only module that calls /api/agent. */
import { signal } from '@preact/signals';

export interface AgentInfo {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'agent';
}

export type SignInError = 'bad_credentials' | 'rate_limited' | 'network' | 'invalid';

export function createSession(fetchImpl: typeof fetch = fetch.bind(globalThis)) {
  /** undefined while the first check runs; null when signed out. */
  const agent = signal<AgentInfo | null | undefined>(undefined);

  async function load(): Promise<void> {
    try {
      const res = await fetchImpl('/api/agent/me', { credentials: 'same-origin' });
      agent.value = res.ok ? ((await res.json()) as { agent: AgentInfo }).agent : null;
    } catch {
      agent.value = null;
    }
  }

  async function signIn(email: string, password: string): Promise<SignInError | null> {
    let res: Response;
    try {
      res = await fetchImpl('/api/agent/session', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
    } catch {
      return 'network';
    }
    if (res.ok) {
      agent.value = ((await res.json()) as { agent: AgentInfo }).agent;
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
      agent.value = null;
    }
  }

  return { agent, load, signIn, signOut };
}

export type Session = ReturnType<typeof createSession>;
