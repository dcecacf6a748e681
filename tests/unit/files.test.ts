import { describe, expect, it } from 'vitest';
import { dispositionFor, safeFileName, sniffType } from '../../server/domain/files';

const bytes = (...xs: (number | string)[]) =>
  new Uint8Array(xs.flatMap((x) => (typeof x === 'string' ? [...Buffer.from(x)] : [x])));

describe('sniffType', () => {
  it.each([
    ['PNG', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0), 'image/png'],
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
    ['GIF89a', bytes('GIF89a'), 'image/gif'],
    ['WebP', bytes('RIFF', 0, 0, 0, 0, 'WEBP'), 'image/webp'],
    ['PDF', bytes('%PDF-1.7'), 'application/pdf'],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">'), null],
    ['HTML', bytes('<!doctype html><script>'), null],
    ['empty', bytes(), null],
    ['RIFF but WAV', bytes('RIFF', 0, 0, 0, 0, 'WAVE'), null],
  ])('%s → %s', (_n, b, expected) => {
    expect(sniffType(b)).toBe(expected);
  });
});

describe('safeFileName', () => {
  it.each([
    ['foto.png', 'image/png', 'foto.png'],
    ['../../etc/passwd', 'application/pdf', 'passwd.pdf'],
    ['C:\\Users\\ana\\ticket.PDF', 'application/pdf', 'ticket.pdf'],
    ['evil".svg', 'image/png', 'evil.png'],
    ['factura\u0000\n<b>.pdf', 'application/pdf', 'facturab.pdf'],
    ['', 'image/jpeg', 'file.jpg'],
  ] as const)('%j → %s', (raw, type, expected) => {
    expect(safeFileName(raw, type)).toBe(expected);
  });
});

describe('dispositionFor', () => {
  it('shows images inline and downloads PDFs, with an encoded UTF-8 name', () => {
    expect(dispositionFor('image/png', 'foto.png')).toBe(`inline; filename="foto.png"; filename*=UTF-8''foto.png`);
    expect(dispositionFor('application/pdf', 'añil.pdf')).toBe(`attachment; filename="a_il.pdf"; filename*=UTF-8''a%C3%B1il.pdf`);
  });
});
