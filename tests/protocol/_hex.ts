/** Test helpers: bytes from spaced hex and back. */

/** Bytes from hex text; spaces, newlines, `|` separators and `#` comments are ignored. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/#.*$/gm, "").replace(/[\s|]/g, "");
  if (clean.length % 2) throw new Error(`Cannot parse hex: odd length ${clean.length}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Spaced lowercase hex of bytes, for readable assertion failures. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Bytes of an ASCII/UTF-8 string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Concatenate byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
