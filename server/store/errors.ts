/** Errors the store raises; the gateway maps them to typed protocol errors. */

/** The row does not exist for this caller (missing, or belongs to another site/visitor). */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** A lifecycle change lost a race: the conversation changed since the caller looked at it. */
export class ConflictError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'ConflictError';
  }
}

/** An attachment in a send is missing, someone else's, or already used by another message. */
export class AttachmentError extends Error {
  constructor(readonly attachmentId: string) {
    super(`attachment ${attachmentId} cannot be used`);
    this.name = 'AttachmentError';
  }
}

/** The database could not commit (disk full, read-only, I/O error). Nothing was stored. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('store unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

const UNAVAILABLE_CODES = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB|PROTOCOL)/;

/** True for SQLite errors that mean "the store can't write right now", not "this row is bad". */
export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_CODES.test(code);
}
