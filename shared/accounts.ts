/**
 * Account rules the console and the server both apply: what a password must be, and how long an
 * invitation lasts. Pure: the console checks as the agent types, the server checks again.
 */

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;
/** How long an invitation link works, and it works once. */
export const INVITE_TTL_MS = 72 * 60 * 60 * 1000;
/** How long a password-reset link works. */
export const RESET_TTL_MS = 60 * 60 * 1000;

/** Why a password is refused; the console words each in its language (`pw_<code>`). */
export type PasswordProblem = 'too_short' | 'too_long' | 'too_common' | 'contains_email';

// The most used passwords of 12+ characters in public breach lists, and keyboard walks.
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  'qwertyuiopas',
  'qwertyuiop12',
  'qwerty123456',
  'password1234',
  'password12345',
  'passwordpassword',
  'contraseña123',
  'contrasena123',
  'contraseña1234',
  'iloveyou1234',
  'abcdefghijkl',
  'asdfghjklñ12',
  'asdfghjkl123',
  'administrator',
  'mostrador123',
  'mostrador1234',
]);

/** Null when `password` may be used; else why not. `email`: the account's, which it must not contain. */
export function passwordProblem(password: string, email?: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return 'too_short';
  if (length > PASSWORD_MAX) return 'too_long';
  const lower = password.toLowerCase();
  // One character repeated, or a known password.
  if (new Set(lower).size <= 2 || COMMON.has(lower)) return 'too_common';
  const local = email?.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 4 && lower.includes(local)) return 'contains_email';
  return null;
}

/** The English sentence for a problem (API answers; the console uses its own strings). */
export const PASSWORD_PROBLEM_TEXT: Record<PasswordProblem, string> = {
  too_short: `must have at least ${PASSWORD_MIN} characters`,
  too_long: `must have at most ${PASSWORD_MAX} characters`,
  too_common: 'is too common: choose another', // = shared/validation RULES.password_common
  contains_email: 'must not contain your email address',
};
