/**
 * The console's HTTP wrapper: every state-changing request to our own origin carries the
 * session's CSRF token in `X-CSRF-Token` (the server refuses it otherwise). Installed as the
 * page's `fetch`, so every state module — sign-out, admin settings, uploads — sends it.
 */
let csrf: string | null = null;
let installed = false;

/** The token of the signed-in session (from the sign-in or /me response); null when signed out. */
export function setCsrfToken(token: string | null): void {
  csrf = token;
}

/** `base` with the CSRF header added to same-origin POST, PUT, PATCH and DELETE requests. */
export function withCsrf(base: typeof fetch): typeof fetch {
  return (input, init = {}) => {
    const request = typeof Request !== 'undefined' && input instanceof Request ? input : null;
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    if (!csrf || !/^(POST|PUT|PATCH|DELETE)$/.test(method)) return base(input, init);
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : (request?.url ?? '');
    if (new URL(href, location.href).origin !== location.origin) return base(input, init);
    const headers = new Headers(init.headers ?? request?.headers);
    headers.set('X-CSRF-Token', csrf);
    return base(input, { ...init, headers });
  };
}

/** Makes the page's fetch the wrapped one (once). */
export function installCsrfFetch(): void {
  if (installed || typeof globalThis.fetch !== 'function' || typeof location === 'undefined') return;
  installed = true;
  globalThis.fetch = withCsrf(globalThis.fetch.bind(globalThis));
}

/** The session's CSRF token, for requests that do not go through fetch (an upload with progress). */
export function csrfToken(): string | null {
  return csrf;
}
