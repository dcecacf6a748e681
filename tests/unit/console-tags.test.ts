import { describe, expect, it } from 'vitest';
import { normaliseTag, TAG_LIMITS } from '../../shared/tags';
import { suggestedTag } from '../../console/state/tags';
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
