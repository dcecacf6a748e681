import { describe, expect, it } from 'vitest';
import { normaliseTag, TAG_LIMITS } from '../../shared/tags';
import { createTagging, suggestedTag } from '../../console/state/tags';
import type { AgentClientFrame } from '../../shared/protocol';
import { CONSOLE_STRINGS } from '../../shared/i18n';

describe('normaliseTag', () => {
  it('lower-cases, trims and joins words with -, keeping letters of any script and digits', () => {
    expect(normaliseTag('  Devolución ')).toBe('devolución');
    expect(normaliseTag('Talla   equivocada!')).toBe('talla-equivocada');
    expect(normaliseTag('--envío -- dañado--')).toBe('envío-dañado');
    expect(normaliseTag('pedido_2024')).toBe('pedido_2024');
    expect(normaliseTag('<b>vip</b>')).toBe('bvipb');
  });

  it('gives null when nothing usable is left or it is too long', () => {
    expect(normaliseTag('   ')).toBeNull();
    expect(normaliseTag('!!! ???')).toBeNull();
    expect(normaliseTag('x'.repeat(TAG_LIMITS.maxLength))).toBe('x'.repeat(TAG_LIMITS.maxLength));
    expect(normaliseTag('x'.repeat(TAG_LIMITS.maxLength + 1))).toBeNull();
  });
});

describe('suggestedTag', () => {
  it('suggests a tag for the assistant’s topics, in the console’s language, and none for small talk', () => {
    expect(suggestedTag('returns', CONSOLE_STRINGS.es)).toBe('devoluciones');
    expect(suggestedTag('returns', CONSOLE_STRINGS.en)).toBe('returns');
    expect(suggestedTag('cancel_order', CONSOLE_STRINGS.es)).toBe('cancelación');
    expect(suggestedTag('greeting', CONSOLE_STRINGS.en)).toBeNull();
    expect(suggestedTag(null, CONSOLE_STRINGS.en)).toBeNull();
  });

  it('every suggestion is already a normalised tag', () => {
    for (const table of [CONSOLE_STRINGS.en, CONSOLE_STRINGS.es]) {
      for (const [key, value] of Object.entries(table)) if (key.startsWith('tagFor_')) expect(normaliseTag(value)).toBe(value);
    }
  });
});

describe('tag changes (createTagging)', () => {
  it('sends a change once connected, shows only its own refusals, and the next change clears the last one', () => {
    const sent: AgentClientFrame[] = [];
    let ready = false;
    let n = 0;
    const t = createTagging({ send: (f) => sent.push(f), ready: () => ready, newId: () => `t_${++n}xxxxxx` });
    t.setTag('c1', 'vip', true);
    expect(sent).toEqual([]);
    ready = true;
    t.setTag('c1', '   ', true);
    t.setTag('c1', 'vip', true);
    expect(sent).toEqual([{ type: 'conversation.tag', clientId: 't_1xxxxxx', conversationId: 'c1', tag: 'vip', on: true }]);
    expect(t.refused({ type: 'error', code: 'not_allowed', ref: 'other' })).toBe(false);
    expect(t.refused({ type: 'error', code: 'bad_frame' })).toBe(false);
    expect(t.refused({ type: 'error', code: 'bad_frame', ref: 't_1xxxxxx', message: 'Too many tags' })).toBe(true);
    expect(t.tagError.value).toEqual({ code: 'bad_frame', message: 'Too many tags' });
    // Answered once: a second error naming it is not a tag change's.
    expect(t.refused({ type: 'error', code: 'bad_frame', ref: 't_1xxxxxx' })).toBe(false);
    t.setTag('c1', 'devoluciones', false);
    expect(t.tagError.value).toBeNull();
  });
});
