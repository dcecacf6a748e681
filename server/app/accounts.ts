/**
 * Agents' accounts: invitations (a one-time link, only its token's SHA-256 is stored, valid
 * INVITE_TTL_MS, used once), changing one's password, and the sessions an agent is signed in
 * with. Transports (routes/agent-auth, routes/admin-api) parse, call these, and answer.
 *
 * Email: `createInvite` returns the link. Today the console shows it to the admin to copy; a
 * mailer (issue 13) sends `link` to `invite.email` after calling `createInvite` — nothing else
 * changes. Password reset by email is not built yet: it would add a `purpose` to this same
 * one-time-token table (or a sibling `password_resets` table with the same shape), a
 * `requestPasswordReset(email)` here that always answers alike (no account enumeration) and
 * mails the link, and a `resetPassword(token, password)` that works like `acceptInvite` on an
 * existing agent and ends all their sessions (`endAllSessions`).
 */
import { INVITE_TTL_MS, PASSWORD_PROBLEM_TEXT, passwordProblem } from '../../shared/accounts';
import { hashPassword, verifyPassword } from '../auth';
import { hashToken, newToken } from '../ids';
import type { AgentRecord, InviteRecord, Store } from '../store/types';

export interface AccountDeps {
  store: Store;
  now: () => number;
  /** Closes the open sockets of one session (4001), settled before it resolves. */
  endSocketsOfSession?: (tokenHash: string) => Promise<void>;
}

export type AccountRefusal =
  | { code: 'exists'; field: 'email'; message: string }
  | { code: 'weak_password'; field: string; message: string; reason: string }
  | { code: 'wrong_password'; field: 'currentPassword'; message: string }
  | { code: 'invite_invalid'; message: string };

/** A link the invitee opens: `${origin}/console/#/invite/<token>` (the token stays out of server logs: it is a fragment). */
export function inviteLink(origin: string, token: string): string {
  return `${origin}/console/#/invite/${token}`;
}

/**
 * Invites `email` to the admin's site. Refused when the email is already an agent there. The
 * returned `link` is shown to the admin to copy (and is what an email would carry).
 */
export async function createInvite(
  deps: AccountDeps,
  input: { siteId: string; email: string; role: 'admin' | 'agent'; invitedBy: string; origin: string },
): Promise<{ ok: true; invite: InviteRecord; link: string } | { ok: false; refusal: AccountRefusal }> {
  const email = input.email.trim().toLowerCase();
  if (await deps.store.agents.byEmail(input.siteId, email)) return { ok: false, refusal: { code: 'exists', field: 'email', message: 'an agent with this email exists' } };
  const token = newToken(32);
  const invite = await deps.store.invites.create({ siteId: input.siteId, email, role: input.role, invitedBy: input.invitedBy, tokenHash: hashToken(token), now: deps.now(), ttlMs: INVITE_TTL_MS });
  return { ok: true, invite, link: inviteLink(input.origin, token) };
}

/** The invitee sets their name and password: the agent is created and the invitation is spent. */
export async function acceptInvite(deps: AccountDeps, input: { token: string; name: string; password: string }): Promise<{ ok: true; agent: AgentRecord } | { ok: false; refusal: AccountRefusal }> {
  const tokenHash = hashToken(input.token);
  const invite = await deps.store.invites.byToken(tokenHash, deps.now());
  if (!invite) return { ok: false, refusal: { code: 'invite_invalid', message: 'this invitation link is not valid: it was used, withdrawn or has expired' } };
  const weak = passwordProblem(input.password, invite.email);
  if (weak) return { ok: false, refusal: { code: 'weak_password', field: 'password', message: PASSWORD_PROBLEM_TEXT[weak], reason: weak } };
  const result = await deps.store.invites.accept(tokenHash, deps.now(), { name: input.name, passwordHash: await hashPassword(input.password) });
  if (result === null) return { ok: false, refusal: { code: 'invite_invalid', message: 'this invitation link is not valid: it was used, withdrawn or has expired' } };
  if (result === 'exists') return { ok: false, refusal: { code: 'exists', field: 'email', message: 'an agent with this email exists' } };
  return { ok: true, agent: result };
}

/**
 * The agent changes their own password: the current one is required and the new one must pass
 * the strength rule. Every other session of the agent ends (their sockets close); this one stays.
 */
export async function changePassword(
  deps: AccountDeps,
  input: { agent: AgentRecord; sessionHash: string; currentPassword: string; newPassword: string },
): Promise<{ ok: true; endedSessions: number } | { ok: false; refusal: AccountRefusal }> {
  const candidates = await deps.store.agents.forSignIn(input.agent.email);
  const me = candidates.find((a) => a.id === input.agent.id);
  if (!me || !(await verifyPassword(me.passwordHash, input.currentPassword))) {
    return { ok: false, refusal: { code: 'wrong_password', field: 'currentPassword', message: 'the current password is not correct' } };
  }
  const weak = passwordProblem(input.newPassword, input.agent.email);
  if (weak) return { ok: false, refusal: { code: 'weak_password', field: 'newPassword', message: PASSWORD_PROBLEM_TEXT[weak], reason: weak } };
  await deps.store.agents.update(input.agent.siteId, input.agent.id, { passwordHash: await hashPassword(input.newPassword) });
  const ended = await endOtherSessions(deps, input.agent.id, input.sessionHash);
  return { ok: true, endedSessions: ended };
}

/** Signs the agent out everywhere but `keep`: the sessions end and their sockets close. */
export async function endOtherSessions(deps: AccountDeps, agentId: string, keep: string): Promise<number> {
  const ended = await deps.store.sessions.deleteForAgent(agentId, keep);
  await Promise.all(ended.map((h) => deps.endSocketsOfSession?.(h)));
  return ended.length;
}

/** The id a session is shown with: a prefix of its token's hash (which is not the token). */
export function sessionId(tokenHash: string): string {
  return tokenHash.slice(0, 16);
}

/** Ends one of the agent's own sessions by its shown id; false when they have none such. */
export async function endSession(deps: AccountDeps, agentId: string, id: string): Promise<boolean> {
  if (!/^[0-9a-f]{16}$/.test(id)) return false;
  const session = (await deps.store.sessions.listForAgent(agentId, deps.now())).find((s) => sessionId(s.tokenHash) === id);
  if (!session) return false;
  await deps.store.sessions.delete(session.tokenHash);
  await deps.endSocketsOfSession?.(session.tokenHash);
  return true;
}
