/**
 * Canned responses in the reply box: finding the `/shortcut` being typed, filtering the site's
 * responses by it, picking the text in the conversation's language and filling its variables
 * from the customer beside the chat. Pure functions; the reply box wires them to the DOM.
 */
import type { Locale } from '../../shared/i18n';
import type { CannedResponse } from '../../shared/site-settings';
import type { ContextData } from './context';
import { ORDER_STATUS_LABELS, type OrderStatus } from '../../shared/cards';

/** The variables a canned response may use. */
export const CANNED_VARIABLES = [
  'customer.first_name',
  'customer.name',
  'customer.email',
  'order.number',
  'order.status',
  'order.tracking_url',
  'agent.first_name',
] as const;
export type CannedVariable = (typeof CANNED_VARIABLES)[number];

/** Order status words as they read inside a sentence ("your order is shipped"). */
const statusWord = (lang: Locale, status: OrderStatus): string => ORDER_STATUS_LABELS[lang][status].toLowerCase();

const firstName = (name: string | null | undefined): string => (name ?? '').trim().split(/\s+/)[0] ?? '';

/**
 * The values of every variable for one conversation: the customer (the verified one, else what
 * the shopper told us), their most recent order and its latest shipment with a link, and the
 * agent. Empty string when unknown.
 */
export function cannedValues(context: ContextData | null, agentName: string, lang: Locale): Record<CannedVariable, string> {
  const name = context?.customer?.name || context?.visitor.name || '';
  const email = context?.customer?.email || context?.visitor.email || '';
  // The order proved in the chat, else the newest (orders come newest first; only a known customer has any).
  const order = (context?.matchedOrder && context.orders.find((o) => o.id === context.matchedOrder!.id)) || context?.orders[0];
  const shipment = order ? [...order.shipments].reverse().find((s) => /^https?:\/\//i.test(s.trackingUrl)) : undefined;
  return {
    'customer.first_name': firstName(name),
    'customer.name': name.trim(),
    'customer.email': email,
    'order.number': order?.number ?? '',
    'order.status': order ? statusWord(lang, order.status) : '',
    'order.tracking_url': shipment?.trackingUrl ?? '',
    'agent.first_name': firstName(agentName),
  };
}

export interface FilledText {
  text: string;
  /** Known variables without a value: left in the text as `{{name}}` for the agent to edit. */
  empty: string[];
  /** Variables this console does not know: left as they are. */
  unknown: string[];
}

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Replaces `{{variable}}` with its value; empty and unknown ones stay in the text and are reported. */
export function fillVariables(template: string, values: Partial<Record<string, string>>): FilledText {
  const empty = new Set<string>();
  const unknown = new Set<string>();
  const text = template.replace(VARIABLE, (whole, name: string) => {
    if (!(CANNED_VARIABLES as readonly string[]).includes(name)) {
      unknown.add(name);
      return whole;
    }
    const value = values[name];
    if (!value) {
      empty.add(name);
      return `{{${name}}}`;
    }
    return value;
  });
  return { text, empty: [...empty], unknown: [...unknown] };
}

/** Variables still in a text about to be sent: known ones without a value, and unknown ones. */
export function unfilledVariables(text: string): FilledText {
  return fillVariables(text, {});
}

/** The response's text in the conversation's language, else the other one. */
export function cannedText(response: CannedResponse, lang: Locale): string {
  const other: Locale = lang === 'es' ? 'en' : 'es';
  return response.text[lang] ?? response.text[other] ?? '';
}

/**
 * The `/query` being typed at the caret: a slash at the start of the text or of a word, then
 * letters, digits or dashes. Null when the caret is not in one.
 */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([\p{L}\p{N}-]*)$/u.exec(before);
  if (!m) return null;
  return { start: before.length - m[2]!.length - 1, query: m[2]! };
}

function normalise(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Responses whose shortcut starts with the query first, then those containing it (shortcut or text). */
export function matchCanned(list: readonly CannedResponse[], query: string, lang: Locale): CannedResponse[] {
  const q = normalise(query);
  if (!q) return [...list];
  const starts = list.filter((r) => normalise(r.shortcut).startsWith(q));
  const contains = list.filter((r) => !starts.includes(r) && (normalise(r.shortcut).includes(q) || normalise(cannedText(r, lang)).includes(q)));
  return [...starts, ...contains];
}

/** The text with the `/query` at `start` replaced by `insert`; the caret goes after it. */
export function replaceSlash(text: string, start: number, caret: number, insert: string): { text: string; caret: number } {
  const next = text.slice(0, start) + insert + text.slice(caret);
  return { text: next, caret: start + insert.length };
}
