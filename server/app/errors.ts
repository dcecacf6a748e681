/** Typed refusals the use cases throw; transports map them to error frames and problem bodies. */
import type { Refusal } from '../domain/lifecycle';

/** The lifecycle refused the change (domain/lifecycle `Refusal`). */
export class RefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = 'RefusedError';
  }
}

/** What the caller asked for does not fit: an unknown agent, team, order, or an unverified shopper. */
export class InvalidRequestError extends Error {
  constructor(
    readonly code: 'not_found' | 'not_verified' | 'conflict' | 'not_allowed',
    message: string,
  ) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}
