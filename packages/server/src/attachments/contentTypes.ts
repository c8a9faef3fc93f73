/**
 * What a file really is, from its first bytes, for the types a case attachment is likely to be. A declared type
 * that the bytes contradict is refused, so a script cannot be uploaded as `image/png` and served back as one.
 */

const startsWith = (data: Uint8Array, bytes: readonly number[], offset = 0): boolean =>
  data.length >= offset + bytes.length && bytes.every((b, i) => data[offset + i] === b);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** Signatures of the types Gridflow recognises. */
const SIGNATURES: Record<string, (data: Uint8Array) => boolean> = {
  'image/jpeg': (d) => startsWith(d, [0xff, 0xd8, 0xff]),
  'image/png': (d) => startsWith(d, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  'image/gif': (d) => startsWith(d, ascii('GIF87a')) || startsWith(d, ascii('GIF89a')),
  'image/webp': (d) => startsWith(d, ascii('RIFF')) && startsWith(d, ascii('WEBP'), 8),
  'image/heic': (d) =>
    startsWith(d, ascii('ftyp'), 4) && ['heic', 'heix', 'mif1', 'msf1', 'hevc'].some((b) => startsWith(d, ascii(b), 8)),
  'application/pdf': (d) => startsWith(d, ascii('%PDF-')),
  'video/mp4': (d) => startsWith(d, ascii('ftyp'), 4),
  'audio/mpeg': (d) => startsWith(d, ascii('ID3')) || startsWith(d, [0xff, 0xfb]) || startsWith(d, [0xff, 0xf3]),
};

/** The media type without parameters, lower-cased: `Image/PNG; x=1` → `image/png`. */
export function baseType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * Whether an upload may be stored: its declared type is one of `allowed` (exact, or `image/*`-style), and when
 * Gridflow knows the type's signature the bytes carry it.
 *
 * @example
 * contentTypeProblem('image/png', pngBytes, ['image/jpeg', 'image/png']); // null
 * contentTypeProblem('image/png', scriptBytes, ['image/png']); // 'mismatch'
 */
export function contentTypeProblem(
  declared: string,
  data: Uint8Array,
  allowed: readonly string[],
): 'not_allowed' | 'mismatch' | null {
  const type = baseType(declared);
  const ok = allowed.some((a) => {
    const pattern = a.toLowerCase();
    return pattern.endsWith('/*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
  });
  if (!ok) return 'not_allowed';
  const signature = SIGNATURES[type];
  if (signature && !signature(data)) return 'mismatch';
  return null;
}
