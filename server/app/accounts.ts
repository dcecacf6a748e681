/**
 * Agents' accounts: invitations (a one-time link, only its token's SHA-256 is stored, valid
 * INVITE_TTL_MS, used once), changing one's password, and the sessions an agent is signed in
 * with. Transports (routes/agent-auth, routes/admin-api) parse, call these, and answer.
 *
 * Email: `createInvite` returns the link, which the console shows to the admin to copy.
 * Password reset: `requestPasswordReset(email)` mails a one-time link (only its SHA-256 kept,
 * RESET_TTL_MS, used once) to every active account with that email, and answers alike whether
 * there is one or not (no account enumeration); `resetPassword(token, password)` sets the new
 * password and ends all the agent's sessions, in one transaction.
 */
import { INVITE_TTL_MS, PASSWORD_PROBLEM_TEXT, RESET_TTL_MS, passwordProblem } from '../../shared/accounts';
import { escapeHtml } from '../mail/render';
import { sendMail } from '../mail/send';
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
  | { code: 'invite_invalid'; message: string }
  | { code: 'reset_invalid'; message: string };

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

/** A reset link: `${origin}/console/#/reset/<token>` (a fragment: the token stays out of server logs). */
export function resetLink(origin: string, token: string): string {
  return `${origin}/console/#/reset/${token}`;
}

/**
 * Mails a one-time reset link to every active account with this email (one per shop). Nothing
 * tells the caller whether there was one. The mail is in both languages: nothing says which the
 * agent reads.
 */
export async function requestPasswordReset(deps: AccountDeps, input: { email: string; origin: string }): Promise<number> {
  const email = input.email.trim().toLowerCase();
  const accounts = (await deps.store.agents.forSignIn(email)).filter((a) => !a.disabled);
  const now = deps.now();
  for (const agent of accounts) {
    const token = newToken(32);
    await deps.store.passwordResets.create({ agentId: agent.id, siteId: agent.siteId, tokenHash: hashToken(token), now, ttlMs: RESET_TTL_MS });
    const link = resetLink(input.origin, token);
    const shop = agent.site.name;
    const text = [
      `Hola, ${agent.name}:`,
      '',
      `Para elegir una contraseña nueva para Mostrador (${shop}), abre este enlace en la próxima hora:`,
      link,
      'Si no lo has pedido tú, no hagas nada: tu contraseña no cambia.',
      '',
      '---',
      '',
      `Hello ${agent.name},`,
      '',
      `To choose a new password for Mostrador (${shop}), open this link within the next hour:`,
      link,
      "If you did not ask for it, do nothing: your password stays as it is.",
    ].join('\n');
    const e = escapeHtml;
    const html = `<p>Hola, ${e(agent.name)}:</p><p>Para elegir una contraseña nueva para Mostrador (${e(shop)}), abre este enlace en la próxima hora:</p><p><a href="${e(link)}">Elegir una contraseña nueva</a></p><p>Si no lo has pedido tú, no hagas nada: tu contraseña no cambia.</p><hr><p>Hello ${e(agent.name)},</p><p>To choose a new password for Mostrador (${e(shop)}), open this link within the next hour:</p><p><a href="${e(link)}">Choose a new password</a></p><p>If you did not ask for it, do nothing: your password stays as it is.</p>`;
    await sendMail(deps.store, { siteId: agent.siteId, to: agent.email, subject: 'Mostrador: contraseña nueva / new password', text, html }, now);
  }
  return accounts.length;
}

/** Sets a new password from a reset link: used once; every session of the agent ends (their sockets close). */
export async function resetPassword(deps: AccountDeps, input: { token: string; password: string }): Promise<{ ok: true; agent: AgentRecord; endedSessions: number } | { ok: false; refusal: AccountRefusal }> {
  const tokenHash = hashToken(input.token);
  const invalid = { ok: false as const, refusal: { code: 'reset_invalid' as const, message: 'this link is not valid: it was used or has expired; ask for a new one' } };
  const link = await deps.store.passwordResets.byToken(tokenHash, deps.now());
  if (!link) return invalid;
  const weak = passwordProblem(input.password, link.agent.email);
  if (weak) return { ok: false, refusal: { code: 'weak_password', field: 'password', message: PASSWORD_PROBLEM_TEXT[weak], reason: weak } };
  const used = await deps.store.passwordResets.use(tokenHash, deps.now(), await hashPassword(input.password));
  if (!used) return invalid;
  await Promise.all(used.endedSessions.map((h) => deps.endSocketsOfSession?.(h)));
  return { ok: true, agent: used.agent, endedSessions: used.endedSessions.length };
}
