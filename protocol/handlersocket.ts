/**
 * The HandlerSocket text protocol (DeNA's HandlerSocket-Plugin-for-MySQL,
 * docs-en/protocol.en.txt): one request or response per LF-terminated line, tokens separated
 * by HT. A token is NULL (a lone 0x00) or a string in which every byte below 0x10 is sent as
 * 0x01 followed by the byte + 0x40. Pure: bytes in, bytes out.
 */

/** Token separator (HT). */
export const HS_TAB = 0x09;
/** Line terminator (LF). */
export const HS_LF = 0x0a;
/** Ignored before LF. */
export const HS_CR = 0x0d;
/** A token that is exactly this byte is NULL. */
export const HS_NULL = 0x00;
/** Escape prefix: the next byte minus 0x40 is the value. */
export const HS_ESCAPE = 0x01;
/** Escape shift. */
export const HS_SHIFT = 0x40;

/** A decoded token: its bytes, or null for NULL. */
export type HsToken = Uint8Array | null;

/** Complete lines found in a buffer, and how many bytes they used (LF included). */
export interface HsLines {
  lines: Uint8Array[];
  consumed: number;
}

/**
 * The complete lines of `buf` (views without the LF and without one CR before it), stopping at
 * the first line longer than `maxLine` bytes (then `overlong` is set).
 */
export function splitLines(buf: Uint8Array, maxLine: number): HsLines & { overlong: boolean } {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (;;) {
    const lf = buf.indexOf(HS_LF, start);
    if (lf < 0) break;
    if (lf - start > maxLine) return { lines, consumed: start, overlong: true };
    const end = lf > start && buf[lf - 1] === HS_CR ? lf - 1 : lf;
    lines.push(buf.subarray(start, end));
    start = lf + 1;
  }
  return { lines, consumed: start, overlong: buf.length - start > maxLine };
}

/** The tokens of one line (without its LF), unescaped. An empty line has one empty token. */
export function decodeTokens(line: Uint8Array): HsToken[] {
  const tokens: HsToken[] = [];
  let start = 0;
  for (;;) {
    const tab = line.indexOf(HS_TAB, start);
    const end = tab < 0 ? line.length : tab;
    tokens.push(decodeToken(line.subarray(start, end)));
    if (tab < 0) return tokens;
    start = tab + 1;
  }
}

/** One token's value: NULL for a lone 0x00, else the bytes with escapes undone. */
export function decodeToken(raw: Uint8Array): HsToken {
  if (raw.length === 1 && raw[0] === HS_NULL) return null;
  if (raw.indexOf(HS_ESCAPE) < 0) return raw;
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === HS_ESCAPE && i + 1 < raw.length) out[n++] = (raw[++i]! - HS_SHIFT) & 0xff;
    else out[n++] = b;
  }
  return out.subarray(0, n);
}

/** Bytes `value` takes on the wire (escapes included; NULL is one byte). */
export function encodedLength(value: HsToken): number {
  if (value === null) return 1;
  let n = value.length;
  for (let i = 0; i < value.length; i++) if (value[i]! < 0x10) n++;
  return n;
}

/** Write `value` escaped at `out[at]`; returns the next offset. */
export function encodeToken(value: HsToken, out: Uint8Array, at: number): number {
  if (value === null) {
    out[at] = HS_NULL;
    return at + 1;
  }
  for (let i = 0; i < value.length; i++) {
    const b = value[i]!;
    if (b < 0x10) {
      out[at++] = HS_ESCAPE;
      out[at++] = b + HS_SHIFT;
    } else {
      out[at++] = b;
    }
  }
  return at;
}

const ASCII = new TextEncoder();

/**
 * A response line: `<errorcode> HT <numcolumns> [HT <value>]... LF`. Values are escaped; the
 * code and column count are decimal.
 */
export function encodeResponse(code: number, numColumns: number, values: readonly HsToken[]) {
  const head = ASCII.encode(`${code}\t${numColumns}`);
  let length = head.length + 1; // head, LF
  for (const v of values) length += 1 + encodedLength(v); // HT, value
  const out = new Uint8Array(length);
  out.set(head, 0);
  let at = head.length;
  for (const v of values) {
    out[at++] = HS_TAB;
    at = encodeToken(v, out, at);
  }
  out[at++] = HS_LF;
  if (at !== length) throw new Error(`Cannot encode response: wrote ${at} of ${length} bytes`);
  return out;
}

/** An error line as the original sends it: `<code> HT 1 HT <message> LF`. */
export function encodeError(code: number, message: string): Uint8Array {
  return encodeResponse(code, 1, [ASCII.encode(message)]);
}
