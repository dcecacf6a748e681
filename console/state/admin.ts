/** Site administration for admins: the only module that calls /api/agent/admin. */
import { signal } from '@preact/signals';
import type { BusinessHours, CannedResponse, ProactiveRule } from '../../shared/site-settings';
import { RULES, type RuleCode, type RuleMatch } from '../../shared/validation';

/** A bot FAQ entry (server/domain/bot.ts FaqEntry; `id` is given by the server on first save). */
export interface FaqEntry {
  id?: string;
  question: string;
  answer: string;
  keywords: string[];
  locale: 'es' | 'en';
}

export type Policies = Partial<Record<'es' | 'en', { shipping?: string; returns?: string }>>;
export type { BusinessHours, CannedResponse, ProactiveRule };

/** After a rotation: whether (and until when; null: until retired) the previous secret key still works. */
export interface SecretStatus {
  secretKeyRotatedAt: string | null;
  previousSecretKey: { validUntil: string | null } | null;
}

export interface SiteSettings extends Partial<SecretStatus> {
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  brandColor: string | null;
  /** https URL shown in the widget's header, or null. */
  logoUrl: string | null;
  launcherPosition: 'right' | 'left';
  theme: 'auto' | 'light' | 'dark';
  greeting: { es?: string; en?: string };
  livePreview: boolean;
  requireVerifiedIdentity: boolean;
  botEnabled: boolean;
  routingMode: 'auto' | 'manual';
  snippet: string;
  /** Null: always open. */
  hours: BusinessHours | null;
  faqs: FaqEntry[];
  policies: Policies;
  canned: CannedResponse[];
  proactiveRules: ProactiveRule[];
  teams: string[];
  /** Chats an agent without their own capacity takes at once. */
  defaultCapacity: number;
}

/** What PATCH /site accepts; list entries may lack an id (new ones). */
export type SitePatch = Partial<Omit<SiteSettings, 'publicKey' | 'snippet' | 'defaultCapacity' | 'canned' | 'proactiveRules'>> & {
  canned?: (Omit<CannedResponse, 'id'> & { id?: string })[];
  proactiveRules?: (Omit<ProactiveRule, 'id'> & { id?: string })[];
};

export interface AdminAgent {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'supervisor' | 'agent';
  disabled: boolean;
  /** Null: the site default. */
  capacity: number | null;
  languages: ('es' | 'en')[];
  teams: string[];
}

/** An invitation not yet used (the link itself is shown only when created). */
export interface AdminInvite {
  id: string;
  email: string;
  role: 'admin' | 'agent';
  createdAt: string;
  expiresAt: string;
}

export type AgentSkills = Pick<AdminAgent, 'capacity' | 'languages' | 'teams'>;

export interface ExternalBot {
  url: string | null;
  fallback: 'builtin' | 'handoff';
  timeoutMs: number;
}

/** A question the built-in assistant could not answer (newest first from the server). */
export interface UnansweredQuestion {
  conversationId: string;
  text: string;
  locale: 'es' | 'en';
  at: string;
}

export interface AdminWebhook {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
  deliveries: { id: string; event: string; status: 'pending' | 'delivered' | 'failed'; attempts: number; lastStatusCode: number | null; lastError: string | null; createdAt: string }[];
}

export type ShopPlatform = 'shopify' | 'woocommerce' | 'prestashop';

/** A shop platform's connection as the server shows it: never a secret, only which are set. */
export interface ShopIntegration {
  platform: ShopPlatform;
  connected: boolean;
  settings: Record<string, string>;
  secretsSet: string[];
  webhookUrl: string;
  proxyUrl?: string;
  lastEvent: { at: string; topic: string } | null;
  lastError: { at: string; message: string } | null;
  import: {
    status: 'running' | 'done' | 'failed';
    phase: 'customers' | 'orders';
    customers: number;
    orders: number;
    totals: { customers: number | null; orders: number | null };
    error: string | null;
  } | null;
}

/**
 * `field`: the body path the server named in a 422 (e.g. `canned.1.shortcut`). `status`, `code`
 * and `reason`: what the console translates an operation's failure from (feedback.operationError);
 * `error` is the server's own words (English), or 'network'.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string; field?: string; rule?: RuleMatch; status?: number; code?: string; reason?: string };

export function createAdmin(fetchImpl: typeof fetch = fetch.bind(globalThis)) {
  const site = signal<SiteSettings | null>(null);
  const agents = signal<AdminAgent[]>([]);
  const webhooks = signal<AdminWebhook[]>([]);

  async function call<T>(method: string, path: string, body?: unknown): Promise<Result<T>> {
    try {
      const res = await fetchImpl(`/api/agent/admin${path}`, {
        method,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        ...(method !== 'GET' && method !== 'DELETE' ? { body: JSON.stringify(body ?? {}) } : {}),
      });
      if (res.status === 204) return { ok: true, value: undefined as T };
      const data = (await res.json().catch(() => ({}))) as T & { detail?: string; title?: string; field?: string; rule?: RuleCode; params?: Record<string, string>; code?: string; reason?: string };
      if (res.ok) return { ok: true, value: data };
      return {
        ok: false,
        error: data.detail ?? data.title ?? `HTTP ${res.status}`,
        status: res.status,
        ...(typeof data.code === 'string' ? { code: data.code } : {}),
        ...(typeof data.reason === 'string' ? { reason: data.reason } : {}),
        ...(typeof data.field === 'string' ? { field: data.field } : {}),
        ...(typeof data.rule === 'string' && data.rule in RULES ? { rule: { rule: data.rule, params: data.params ?? {} } } : {}),
      };
    } catch {
      return { ok: false, error: 'network' };
    }
  }

  async function load(): Promise<void> {
    const [s, a, w] = await Promise.all([
      call<SiteSettings>('GET', '/site'),
      call<{ data: AdminAgent[] }>('GET', '/agents'),
      call<{ data: AdminWebhook[] }>('GET', '/webhooks'),
    ]);
    if (s.ok) site.value = s.value;
    if (a.ok) agents.value = a.value.data;
    if (w.ok) webhooks.value = w.value.data;
  }

  async function saveSite(patch: SitePatch): Promise<Result<SiteSettings>> {
    const r = await call<SiteSettings>('PATCH', '/site', patch);
    if (r.ok) site.value = r.value;
    return r;
  }

  /** A new secret key; the old one keeps working until retired, for some hours, or not at all. */
  async function rotateSecret(keepPreviousFor: 'until_retired' | 'none' | number = 'until_retired'): Promise<Result<{ secretKey: string } & SecretStatus>> {
    const r = await call<{ secretKey: string } & SecretStatus>('POST', '/site/rotate-secret', { keepPreviousFor });
    if (r.ok && site.value) site.value = { ...site.value, secretKeyRotatedAt: r.value.secretKeyRotatedAt, previousSecretKey: r.value.previousSecretKey };
    return r;
  }

  /** Ends the previous secret key's overlap. */
  async function retirePreviousSecret(): Promise<Result<SecretStatus>> {
    const r = await call<SecretStatus>('POST', '/site/retire-previous-secret', {});
    if (r.ok && site.value) site.value = { ...site.value, ...r.value };
    return r;
  }

  /** The site's own bot (URL, fallback, time-out); its secret comes back only when issued. */
  const getBot = () => call<ExternalBot>('GET', '/bot');
  const getUnanswered = () => call<{ data: UnansweredQuestion[] }>('GET', '/bot/unanswered');
  const saveBot = (input: { url: string | null; fallback?: 'builtin' | 'handoff'; timeoutMs?: number; rotateSecret?: boolean }) =>
    call<ExternalBot & { secret?: string }>('PUT', '/bot', input);

  /** An agent's teams join the site's list on the server: read it again. */
  async function refreshTeams(teams: string[] | undefined): Promise<void> {
    if (!teams?.length || !site.value) return;
    const s = await call<SiteSettings>('GET', '/site');
    if (s.ok && site.value) site.value = { ...site.value, teams: s.value.teams };
  }

  async function createAgent(input: { email: string; name: string; role: 'admin' | 'supervisor' | 'agent'; password: string } & Partial<AgentSkills>): Promise<Result<AdminAgent>> {
    const r = await call<AdminAgent>('POST', '/agents', input);
    if (r.ok) {
      agents.value = [...agents.value, r.value];
      await refreshTeams(input.teams);
    }
    return r;
  }

  async function updateAgent(id: string, patch: Partial<Pick<AdminAgent, 'name' | 'role' | 'disabled'> & AgentSkills> & { password?: string }): Promise<Result<AdminAgent>> {
    const r = await call<AdminAgent>('PATCH', `/agents/${encodeURIComponent(id)}`, patch);
    if (r.ok) {
      agents.value = agents.value.map((a) => (a.id === id ? r.value : a));
      await refreshTeams(patch.teams);
    }
    return r;
  }

  async function createWebhook(url: string, events: string[]): Promise<Result<{ id: string; secret: string }>> {
    const r = await call<{ id: string; secret: string }>('POST', '/webhooks', { url, events });
    if (r.ok) await load();
    return r;
  }

  async function deleteWebhook(id: string): Promise<Result<void>> {
    const r = await call<void>('DELETE', `/webhooks/${encodeURIComponent(id)}`);
    if (r.ok) webhooks.value = webhooks.value.filter((w) => w.id !== id);
    return r;
  }

  /** Invitations: the link comes back once, on creation. */
  const invites = signal<AdminInvite[]>([]);
  async function loadInvites(): Promise<void> {
    const r = await call<{ data: AdminInvite[] }>('GET', '/invites');
    if (r.ok) invites.value = r.value.data;
  }
  async function createInvite(email: string, role: 'admin' | 'agent'): Promise<Result<AdminInvite & { link: string }>> {
    const r = await call<AdminInvite & { link: string }>('POST', '/invites', { email, role });
    if (r.ok) await loadInvites();
    return r;
  }
  async function withdrawInvite(id: string): Promise<void> {
    await call<void>('DELETE', `/invites/${encodeURIComponent(id)}`);
    await loadInvites();
  }

  /** Shop platforms (Settings → Integrations). */
  const getIntegrations = () => call<{ data: ShopIntegration[] }>('GET', '/integrations');
  const saveIntegration = (platform: ShopPlatform, body: Record<string, string>) => call<ShopIntegration>('PUT', `/integrations/${platform}`, body);
  const startImport = (platform: ShopPlatform) => call<ShopIntegration>('POST', `/integrations/${platform}/import`);

  return { site, agents, webhooks, invites, loadInvites, createInvite, withdrawInvite, load, saveSite, getIntegrations, saveIntegration, startImport, rotateSecret, retirePreviousSecret, getBot, saveBot, getUnanswered, createAgent, updateAgent, createWebhook, deleteWebhook };
}

export type Admin = ReturnType<typeof createAdmin>;
