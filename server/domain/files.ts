/**
 * What files the chat accepts: images (PNG, JPEG, GIF, WebP) and PDFs up to 10 MB, recognised by
 * their bytes, never by the name or the declared type. SVG (which can carry script) is refused.
 * Pure.
 */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export type AllowedType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'application/pdf';

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);

/** The file's real type from its first bytes, or null when it is not one we accept. */
export function sniffType(bytes: Uint8Array): AllowedType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

const EXT: Record<AllowedType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/**
 * A display name safe for headers and screens: no paths, no control or quote characters, at most
 * 120 characters, and the extension of the real type.
 */
export function safeFileName(raw: string, type: AllowedType): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f"\\;<>|*?:]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const stem = cleaned.replace(/\.[A-Za-z0-9]{1,5}$/, '').slice(0, 100) || 'file';
  return `${stem}.${EXT[type]}`;
}

/** Images show inline; anything else downloads. */
export function dispositionFor(type: AllowedType, name: string): string {
  const kind = type.startsWith('image/') ? 'inline' : 'attachment';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
