/** What the workspace reads once per sign-in over HTTP: the site's canned responses and teams. */
import { signal } from '@preact/signals';
import type { CannedResponse } from '../../shared/site-settings';

export function createWorkspaceData(fetchImpl: typeof fetch = fetch.bind(globalThis)) {
  const canned = signal<CannedResponse[]>([]);
  /** Teams a chat can be transferred to. */
  const teams = signal<string[]>([]);
  /** The site's tags in use, the most used first (suggestions when tagging). */
  const tags = signal<string[]>([]);

  async function get<T>(path: string): Promise<T | null> {
    try {
      const res = await fetchImpl(`/api/agent${path}`, { credentials: 'same-origin' });
      return res.ok ? ((await res.json()) as T) : null;
    } catch {
      return null;
    }
  }

  /** Loads (or reloads) both; what fails keeps its previous value. */
  async function load(): Promise<void> {
    const [c, t, g] = await Promise.all([get<{ data: CannedResponse[] }>('/canned'), get<{ data: string[] }>('/teams'), get<{ data: string[] }>('/tags')]);
    if (c) canned.value = c.data;
    if (t) teams.value = t.data;
    if (g) tags.value = g.data;
  }

  return { canned, teams, tags, load };
}

export type WorkspaceData = ReturnType<typeof createWorkspaceData>;
