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

const UTF8 = new TextEncoder();

/**
 * A response line: `<errorcode> HT <numcolumns> [HT <value>]... LF`. Values are escaped; the
 * code and column count are decimal.
 */
export function encodeResponse(code: number, numColumns: number, values: readonly HsToken[]) {
  const head = UTF8.encode(`${code}\t${numColumns}`);
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
  return encodeResponse(code, 1, [UTF8.encode(message)]);
}

/**
 * Builds response lines into one buffer that grows as needed and is reused from batch to batch,
 * so answering a request allocates nothing: `head`, then `token` / `text` per value, then `end`
 * write the same bytes as `encodeResponse`. A view from `bytes()` is valid until the next write.
 */
export class HsResponseWriter {
  readonly #capacity: number;
  #buf: Uint8Array;
  #at = 0;

  constructor(capacity = 4096) {
    this.#capacity = capacity;
    this.#buf = new Uint8Array(capacity);
  }

  /** Start over, keeping the first `reserve` bytes for the caller (a message header). A buffer
   * that one large answer grew past 16 times its first capacity goes back to that capacity. */
  reset(reserve = 0): void {
    if (this.#buf.length > 16 * this.#capacity) this.#buf = new Uint8Array(this.#capacity);
    this.#room(reserve);
    this.#at = reserve;
  }

  /** Bytes written so far, the reserved ones included. */
  get length(): number {
    return this.#at;
  }

  /** The bytes written so far, the reserved ones included (a view into the buffer). */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#at);
  }

  /** `<code> HT <numColumns>`, both decimal. */
  head(code: number, numColumns: number): void {
    this.#decimal(code);
    this.#room(1);
    this.#buf[this.#at++] = HS_TAB;
    this.#decimal(numColumns);
  }

  /** HT and one token, escaped (NULL as a lone 0x00). */
  token(value: HsToken): void {
    if (value === null) {
      this.#room(2);
      this.#buf[this.#at++] = HS_TAB;
      this.#buf[this.#at++] = HS_NULL;
      return;
    }
    this.#room(1 + 2 * value.length);
    const buf = this.#buf;
    buf[this.#at++] = HS_TAB;
    this.#at = encodeToken(value, buf, this.#at);
  }

  /** HT and `value` as a UTF-8 token, escaped (what `token(encode(value))` writes). */
  text(value: string): void {
    this.#room(1 + 2 * value.length);
    const buf = this.#buf;
    let at = this.#at;
    buf[at++] = HS_TAB;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) {
        this.#at = at;
        return this.#utf8(value.substring(i));
      }
      if (c < 0x10) {
        buf[at++] = HS_ESCAPE;
        buf[at++] = c + HS_SHIFT;
      } else {
        buf[at++] = c;
      }
    }
    this.#at = at;
  }

  /** LF: the line is complete. */
  end(): void {
    this.#room(1);
    this.#buf[this.#at++] = HS_LF;
  }

  /** Append bytes that are already encoded (whole lines). */
  raw(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#at);
    this.#at += bytes.length;
  }

  /** The rest of a text token from its first non-ASCII character on. */
  #utf8(rest: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; each can need an escape byte.
    const scratch = new Uint8Array(3 * rest.length);
    const { written } = UTF8.encodeInto(rest, scratch);
    this.#room(2 * written);
    this.#at = encodeToken(scratch.subarray(0, written), this.#buf, this.#at);
  }

  #decimal(n: number): void {
    const digits = String(n);
    this.#room(digits.length);
    for (let i = 0; i < digits.length; i++) this.#buf[this.#at++] = digits.charCodeAt(i);
  }

  /** Make room for `n` more bytes. */
  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const bigger = new Uint8Array(Math.max(2 * this.#buf.length, this.#at + n));
    bigger.set(this.#buf.subarray(0, this.#at));
    this.#buf = bigger;
  }
}
