/**
 * Lifecycle lines in the reader's language (shared/system-events.ts): agents read who did it, and
 * a line with nobody to name reads whole ("Reabierta: el cliente volvió a escribir", not
 * "Reabierta por").
 */
import { describe, expect, it } from 'vitest';
import { systemText } from '../../shared/system-events';
import { CONSOLE_STRINGS, WIDGET_STRINGS } from '../../shared/i18n';

const agent = (payload: Record<string, unknown>, locale: 'es' | 'en' = 'es') => systemText(payload, 'fallback', CONSOLE_STRINGS[locale], 'agent');
const shopper = (payload: Record<string, unknown>, locale: 'es' | 'en' = 'es') => systemText(payload, 'fallback', WIDGET_STRINGS[locale], 'shopper');

describe('lifecycle lines', () => {
  it('name the agent who acted', () => {
    expect(agent({ event: 'resolved', byName: 'Ana' })).toBe('Resuelta por Ana');
    expect(agent({ event: 'reopened', by: 'agent', byName: 'Ana' }, 'en')).toBe('Reopened by Ana');
    expect(agent({ event: 'returned_to_bot', byName: 'Luis' })).toBe('Devuelta al bot por Luis');
  });

  it('read whole when no agent acted: the shopper wrote again, the API or the system did it', () => {
    expect(agent({ event: 'reopened', by: 'visitor' })).toBe('Reabierta: el cliente volvió a escribir');
    expect(agent({ event: 'reopened', by: 'visitor' }, 'en')).toBe('Reopened: the customer wrote again');
    expect(agent({ event: 'reopened', by: 'system' })).toBe('Reabierta');
    expect(agent({ event: 'resolved', byName: '' }, 'en')).toBe('Resolved');
    expect(agent({ event: 'returned_to_bot', byName: '' })).toBe('Devuelta al bot');
    for (const locale of ['es', 'en'] as const) {
      for (const event of ['resolved', 'reopened', 'returned_to_bot']) expect(agent({ event, by: 'api', byName: '' }, locale)).not.toMatch(/\b(por|by)$/);
    }
  });

  it('tell the shopper what happened, never who', () => {
    expect(shopper({ event: 'reopened', by: 'visitor' })).toBe('Conversación reabierta');
    expect(shopper({ event: 'resolved', byName: 'Ana' }, 'en')).toBe('Conversation resolved');
  });
});
