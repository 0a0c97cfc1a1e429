/**
 * Cursor over one packet payload, mirroring `PacketWriter`. Every read is bounds-checked and
 * throws `ProtocolError` ("truncated" or "malformed") instead of reading past the end.
 * Byte results are views into the payload, not copies.
 */

import { ProtocolError } from "./protocol_error.ts";

const decoder = new TextDecoder();

/** Decode UTF-8 bytes; short ASCII runs skip TextDecoder's call cost (~250 ns per call). */
export function decodeUtf8(b: Uint8Array): string {
  const n = b.length;
  if (n > 16) return decoder.decode(b);
  let s = "";
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c >= 0x80) return decoder.decode(b);
    s += String.fromCharCode(c);
  }
  return s;
}

/** Reads protocol fields from a payload, front to back. */
export class PacketReader {
  readonly #buf: Uint8Array;
  /** Created on first use: most packets need no 8-byte or float field. */
  #dataView: DataView | null = null;
  #pos: number;

  constructor(payload: Uint8Array, offset = 0) {
    this.#buf = payload;
    this.#pos = offset;
  }

  get #view(): DataView {
    const b = this.#buf;
    return this.#dataView ??= new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Offset of the next read. */
  get position(): number {
    return this.#pos;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  /** True when every byte has been read. */
  get atEnd(): boolean {
    return this.#pos >= this.#buf.length;
  }

  /** Throw "truncated" unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (this.#pos + n > this.#buf.length) {
      throw new ProtocolError(
        "truncated",
        `Cannot read ${what}: need ${n} bytes at offset ${this.#pos}, payload has ${this.#buf.length}`,
      );
    }
  }

  /** Skip `n` bytes. */
  skip(n: number): void {
    this.need(n, "filler");
    this.#pos += n;
  }

  /** The next byte without consuming it. */
  peekInt1(): number {
    this.need(1, "int<1>");
    return this.#buf[this.#pos]!;
  }

  /** int<1>, unsigned. */
  int1(): number {
    this.need(1, "int<1>");
    return this.#buf[this.#pos++]!;
  }

  /** int<2>, unsigned little-endian. */
  int2(): number {
    this.need(2, "int<2>");
    const p = this.#pos;
    this.#pos = p + 2;
    return this.#buf[p]! | (this.#buf[p + 1]! << 8);
  }

  /** int<3>, unsigned little-endian. */
  int3(): number {
    this.need(3, "int<3>");
    const b = this.#buf;
    const p = this.#pos;
    this.#pos = p + 3;
    return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
  }

  /** int<4>, unsigned little-endian. */
  int4(): number {
    this.need(4, "int<4>");
    const b = this.#buf;
    const p = this.#pos;
    this.#pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** int<8>, unsigned: a number when it is a safe integer, else a bigint. */
  int8(): number | bigint {
    this.need(8, "int<8>");
    const lo = this.#view.getUint32(this.#pos, true);
    const hi = this.#view.getUint32(this.#pos + 4, true);
    this.#pos += 8;
    if (hi < 0x200000) return hi * 0x1_0000_0000 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** int<8>, signed two's complement: a number when safe, else a bigint. */
  int8Signed(): number | bigint {
    this.need(8, "int<8>");
    const v = this.#view.getBigInt64(this.#pos, true);
    this.#pos += 8;
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }

  /** IEEE 754 single, little-endian. */
  float4(): number {
    this.need(4, "float");
    const v = this.#view.getFloat32(this.#pos, true);
    this.#pos += 4;
    return v;
  }

  /** IEEE 754 double, little-endian. */
  float8(): number {
    this.need(8, "double");
    const v = this.#view.getFloat64(this.#pos, true);
    this.#pos += 8;
    return v;
  }

  /** int<lenenc>, or null for the 0xfb NULL marker; 0xff is malformed. */
  lenencIntOrNull(): number | bigint | null {
    const first = this.int1();
    if (first < 0xfb) return first;
    switch (first) {
      case 0xfb:
        return null;
      case 0xfc:
        return this.int2();
      case 0xfd:
        return this.int3();
      case 0xfe:
        return this.int8();
    }
    throw new ProtocolError("malformed", "Cannot read int<lenenc>: first byte is 0xff");
  }

  /** int<lenenc>; the NULL marker is malformed here. */
  lenencInt(): number | bigint {
    const v = this.lenencIntOrNull();
    if (v === null) throw new ProtocolError("malformed", "Cannot read int<lenenc>: NULL marker");
    return v;
  }

  /** int<lenenc> used as a length: must fit in a number. */
  lenencLength(): number {
    const v = this.lenencInt();
    if (typeof v === "bigint") {
      throw new ProtocolError("malformed", `Cannot read length: ${v} is too large`);
    }
    return v;
  }

  /** `n` raw bytes. */
  bytes(n: number): Uint8Array {
    this.need(n, `${n} bytes`);
    const b = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return b;
  }

  /** string<fix> of `n` bytes, UTF-8. */
  fixedString(n: number): string {
    return decodeUtf8(this.bytes(n));
  }

  /** string<lenenc> as bytes. */
  lenencBytes(): Uint8Array {
    return this.bytes(this.lenencLength());
  }

  /** string<lenenc>, UTF-8. */
  lenencString(): string {
    return decodeUtf8(this.lenencBytes());
  }

  /** string<NUL> as bytes (without the terminator); a missing terminator is "truncated". */
  nulBytes(): Uint8Array {
    const end = this.#buf.indexOf(0, this.#pos);
    if (end < 0) {
      throw new ProtocolError(
        "truncated",
        `Cannot read string<NUL> at offset ${this.#pos}: no NUL`,
      );
    }
    const b = this.#buf.subarray(this.#pos, end);
    this.#pos = end + 1;
    return b;
  }

  /** string<NUL>, UTF-8. */
  nulString(): string {
    return decodeUtf8(this.nulBytes());
  }

  /** A string up to a NUL or the end of the payload, whichever comes first (lenient trailers). */
  nulStringOrRest(): string {
    const end = this.#buf.indexOf(0, this.#pos);
    if (end < 0) return this.restString();
    const s = decodeUtf8(this.#buf.subarray(this.#pos, end));
    this.#pos = end + 1;
    return s;
  }

  /** string<EOF> as bytes. */
  restBytes(): Uint8Array {
    const b = this.#buf.subarray(this.#pos);
    this.#pos = this.#buf.length;
    return b;
  }

  /** string<EOF>, UTF-8. */
  restString(): string {
    return decodeUtf8(this.restBytes());
  }
}
