import { describe, expect, it } from 'vitest';
import { colourOf, initials } from '../../console/ui/Avatar';

/** WCAG relative luminance and contrast ratio. */
function contrast(hex: string, other = '#ffffff'): number {
  const lum = (h: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [a, b] = [lum(hex), lum(other)].sort((x, y) => y - x);
  return (a! + 0.05) / (b! + 0.05);
}

describe('agent avatars', () => {
  it('takes the first and last initials, or the first two letters of one name', () => {
    expect(initials('Ana García López')).toBe('AL');
    expect(initials('luis')).toBe('LU');
    expect(initials('  Ana  ')).toBe('AN');
    expect(initials('Óscar Núñez')).toBe('ÓN');
  });

  it('gives an agent the same colour everywhere, and white initials pass AA on every colour', () => {
    expect(colourOf('ag_123')).toBe(colourOf('ag_123'));
    const seen = new Set(Array.from({ length: 200 }, (_, i) => colourOf(`ag_${i}`)));
    expect(seen.size).toBeGreaterThan(4);
    for (const c of seen) expect(contrast(c), c).toBeGreaterThanOrEqual(4.5);
  });
});
