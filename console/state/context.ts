/** The customer context beside the selected chat, loaded from /api/agent. */
import { signal } from '@preact/signals';
import type { OrderStatus } from '../../shared/cards';
import type { ConversationSummary } from '../../shared/protocol';

export interface ContextOrder {
  id: string;
  number: string;
  status: OrderStatus;
  paymentStatus: string | null;
  currency: string;
  total: number;
  items: { sku: string; name: string; quantity: number; price: number; imageUrl?: string }[];
  shippingAddress: { name?: string; line1: string; line2?: string; city: string; postalCode?: string; region?: string; country: string } | null;
  shipments: { id: string; carrier: string; trackingNumber: string; trackingUrl: string; status: string; events: { at: string; status: string; description: string }[] }[];
  returns: { id: string; status: string; reason: string | null; items: { sku: string; quantity: number }[] }[];
  createdAt: string;
}

export interface ContextData {
  visitor: { id: string; name: string | null; email: string | null; claimedId: string | null; verified: boolean; locale: string | null };
  customer: {
    id: string;
    name: string | null;
    email: string | null;
    phone: string | null;
    tags: string[];
    orderCount: number;
    lifetimeValue: { amount: number; currency: string } | null;
  } | null;
  /** How the customer is known: a verified identify, or an order the shopper proved in the chat (number + email). */
  verifiedBy?: 'identity' | 'order' | null;
  /** The order proved in the chat; it comes first in `orders`. */
  matchedOrder?: { id: string; number: string } | null;
  orders: ContextOrder[];
  /** What the bot handed over, when it did. */
  handoff: { reason: string; intent: string; matchedOrderId: string | null; tried: { intent: string; outcome: string }[] } | null;
  /** What the assistant understood the shopper wants (the handoff's intent, else its last topic): the suggested tag. */
  intent?: string | null;
  /** The team's notes about the contact (the customer when known, else the visitor): plain text. */
  notes?: ContactNotes;
  /** The contact's other conversations, newest first. */
  history?: ConversationSummary[];
}

export interface ContactNotes {
  subject: 'customer' | 'visitor';
  text: string;
  updatedAt: string | null;
  updatedBy: string | null;
}

export type ContextState = { status: 'idle' } | { status: 'loading' } | { status: 'error' } | { status: 'ready'; data: ContextData };

export function createContextModel(fetchImpl: typeof fetch = fetch.bind(globalThis)) {
  const state = signal<ContextState>({ status: 'idle' });
  let current: string | null = null;
  let version = 0;

  /** Loads (or reloads) the context of a conversation; a newer call wins over an older one. */
  async function load(conversationId: string | null, opts: { quiet?: boolean } = {}): Promise<void> {
    current = conversationId;
    const mine = ++version;
    if (!conversationId) {
      state.value = { status: 'idle' };
      return;
    }
    if (!opts.quiet) state.value = { status: 'loading' };
    try {
      const res = await fetchImpl(`/api/agent/conversations/${encodeURIComponent(conversationId)}/context`, { credentials: 'same-origin' });
      if (mine !== version) return;
      state.value = res.ok ? { status: 'ready', data: (await res.json()) as ContextData } : { status: 'error' };
    } catch {
      if (mine === version) state.value = { status: 'error' };
    }
  }

  /** Saves the notes about the contact of a conversation; the context shows what was saved. Throws the server's refusal. */
  async function saveNotes(conversationId: string, text: string): Promise<ContactNotes> {
    const res = await fetchImpl(`/api/agent/conversations/${encodeURIComponent(conversationId)}/notes`, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const notes = (await res.json()) as ContactNotes;
    const s = state.value;
    if (current === conversationId && s.status === 'ready') state.value = { status: 'ready', data: { ...s.data, notes } };
    return notes;
  }

  return { state, load, saveNotes, get current() { return current; } };
}

export type ContextModel = ReturnType<typeof createContextModel>;
