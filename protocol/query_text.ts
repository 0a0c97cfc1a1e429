/**
 * Statement text that keeps every byte.
 *
 * A COM_QUERY is bytes, not text: mysqldump writes BLOB values as string literals holding any
 * byte, next to UTF-8 text. Valid UTF-8 decodes as usual; each byte of an invalid sequence
 * becomes the lone surrogate U+DC00 + byte (the "surrogate escape" scheme), which the engine
 * turns back into that exact byte when the literal goes into a binary column.
 */

const strict = new TextDecoder("utf-8", { fatal: true });

/** Decode statement bytes, escaping bytes that are not valid UTF-8 as U+DC80..U+DCFF. */
export function decodeQueryText(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return decodeEscaped(bytes);
  }
}

function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
  if (need === 0 || b > 0xf4 || i + need > bytes.length) return 0;
  for (let k = 1; k < need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  try {
    strict.decode(bytes.subarray(i, i + need));
    return need;
  } catch {
    return 0;
  }
}

function decodeEscaped(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const n = sequenceLength(bytes, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    } else {
      out += strict.decode(bytes.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}
