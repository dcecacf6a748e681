/**
 * The signed-in agent's own account (/api/agent/account: password, where they are signed in)
 * and invitations (/api/agent/invites: open one, accept it).
 */
import { signal } from '@preact/signals';
import type { PasswordProblem } from '../../shared/accounts';
import type { AgentInfo } from './session';
import { setCsrfToken } from './api';

export interface AgentSession {
  id: string;
  current: boolean;
  userAgent: string | null;
  address: string | null;
  createdAt: string;
  lastSeenAt: string;
}

/** Why a password or invitation step failed, for the console to word. */
export type AccountError = { kind: 'wrong_password' } | { kind: 'weak'; reason: PasswordProblem } | { kind: 'invite_invalid' } | { kind: 'reset_invalid' } | { kind: 'exists' } | { kind: 'other'; message: string };

async function send(fetchImpl: typeof fetch, method: string, path: string, body?: unknown): Promise<{ ok: true; data: unknown } | { ok: false; error: AccountError }> {
  try {
    const res = await fetchImpl(`/api/agent${path}`, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const data = res.status === 204 ? null : ((await res.json().catch(() => null)) as Record<string, unknown> | null);
    if (res.ok) return { ok: true, data };
    const code = data?.code;
    if (code === 'wrong_password') return { ok: false, error: { kind: 'wrong_password' } };
    if (code === 'weak_password') return { ok: false, error: { kind: 'weak', reason: data?.reason as PasswordProblem } };
    if (code === 'invite_invalid') return { ok: false, error: { kind: 'invite_invalid' } };
    if (code === 'reset_invalid') return { ok: false, error: { kind: 'reset_invalid' } };
    if (code === 'exists') return { ok: false, error: { kind: 'exists' } };
    return { ok: false, error: { kind: 'other', message: String(data?.detail ?? data?.title ?? `HTTP ${res.status}`) } };
  } catch {
    return { ok: false, error: { kind: 'other', message: 'network' } };
  }
}

export function createAccount(fetchImpl: typeof fetch = fetch.bind(globalThis)) {
  const sessions = signal<AgentSession[]>([]);

  async function loadSessions(): Promise<void> {
    const r = await send(fetchImpl, 'GET', '/account/sessions');
    if (r.ok) sessions.value = (r.data as { data: AgentSession[] }).data;
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<AccountError | null> {
    const r = await send(fetchImpl, 'POST', '/account/password', { currentPassword, newPassword });
    if (r.ok) await loadSessions();
    return r.ok ? null : r.error;
  }

  async function endSession(id: string): Promise<void> {
    await send(fetchImpl, 'DELETE', `/account/sessions/${encodeURIComponent(id)}`);
    await loadSessions();
  }

  async function signOutOthers(): Promise<boolean> {
    const r = await send(fetchImpl, 'POST', '/account/sessions/revoke-others', {});
    await loadSessions();
    return r.ok;
  }

  return { sessions, loadSessions, changePassword, endSession, signOutOthers };
}

export type Account = ReturnType<typeof createAccount>;

/** The invitation token in the address (`/console/#/invite/<token>`), or null. */
export function inviteToken(hash: string = location.hash): string | null {
  return /^#\/invite\/([A-Za-z0-9_-]{20,128})$/.exec(hash)?.[1] ?? null;
}

/** The token of a password-reset link (/console/#/reset/<token>), if this page was opened with one. */
export function resetToken(hash: string = location.hash): string | null {
  return /^#\/reset\/([A-Za-z0-9_-]{20,128})$/.exec(hash)?.[1] ?? null;
}

/** Asks for a reset link by e-mail. The answer is the same whether the address has an account; `email: false` when the server sends no mail. */
export async function requestReset(email: string, fetchImpl: typeof fetch = fetch.bind(globalThis)): Promise<{ email: boolean } | { error: AccountError }> {
  const r = await send(fetchImpl, 'POST', '/password-reset', { email });
  return r.ok ? { email: (r.data as { email: boolean }).email } : { error: r.error };
}

export async function openReset(token: string, fetchImpl: typeof fetch = fetch.bind(globalThis)): Promise<{ email: string; siteName: string } | null> {
  const r = await send(fetchImpl, 'GET', `/password-reset/${token}`);
  return r.ok ? (r.data as { email: string; siteName: string }) : null;
}

export async function confirmReset(token: string, password: string, fetchImpl: typeof fetch = fetch.bind(globalThis)): Promise<{ ok: true } | { error: AccountError }> {
  const r = await send(fetchImpl, 'POST', `/password-reset/${token}`, { password });
  return r.ok ? { ok: true } : { error: r.error };
}

export interface InviteInfo {
  email: string;
  role: 'admin' | 'agent';
  siteName: string;
  expiresAt: string;
}

export async function openInvite(token: string, fetchImpl: typeof fetch = fetch.bind(globalThis)): Promise<InviteInfo | null> {
  const r = await send(fetchImpl, 'GET', `/invites/${token}`);
  return r.ok ? (r.data as InviteInfo) : null;
}

/** Creates the account; on success the browser is signed in as it (the session's CSRF token is set). */
export async function acceptInvite(token: string, name: string, password: string, fetchImpl: typeof fetch = fetch.bind(globalThis)): Promise<{ agent: AgentInfo } | { error: AccountError }> {
  const r = await send(fetchImpl, 'POST', `/invites/${token}/accept`, { name, password });
  if (!r.ok) return { error: r.error };
  const body = r.data as { agent: AgentInfo; csrfToken: string };
  setCsrfToken(body.csrfToken);
  return { agent: body.agent };
}
