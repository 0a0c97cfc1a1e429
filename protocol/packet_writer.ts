/**
 * Payload writer and packet output. `PacketWriter` appends protocol fields to one growing buffer;
 * `PacketOutput` is a writer that frames what is appended into packets with the 4-byte header
 * (int<3> payload length, int<1> sequence id), splitting payloads of 0xffffff bytes or more as
 * MySQL does (Protocol::Packet: "Sending More Than 16Mb").
 */

import { MAX_PACKET_FRAME } from "./constants.ts";

const encoder = new TextEncoder();
const TWO_POW_32 = 0x1_0000_0000;
/** take() hands large buffers over instead of copying them. */
const HANDOVER_BYTES = 64 * 1024;

/** Bytes a length-encoded integer of value `n` takes. */
export function lenencIntSize(n: number | bigint): number {
  if (n < 251) return 1;
  if (n < 0x10000) return 3;
  if (n < 0x1000000) return 4;
  return 9;
}

/** Appends protocol fields to one growing buffer; `take()` returns the bytes written. */
export class PacketWriter {
  #initialCapacity: number;
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  constructor(initialCapacity = 256) {
    this.#initialCapacity = initialCapacity;
    this.#buf = new Uint8Array(initialCapacity);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written since the last `take()`. */
  get length(): number {
    return this.#pos;
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** int<1>. */
  int1(v: number): void {
    this.ensure(1);
    this.#buf[this.#pos++] = v;
  }

  /** int<2>, little-endian. */
  int2(v: number): void {
    this.ensure(2);
    this.#view.setUint16(this.#pos, v & 0xffff, true);
    this.#pos += 2;
  }

  /** int<3>, little-endian. */
  int3(v: number): void {
    this.ensure(3);
    const b = this.#buf;
    const p = this.#pos;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    this.#pos = p + 3;
  }

  /** int<4>, little-endian. */
  int4(v: number): void {
    this.ensure(4);
    this.#view.setUint32(this.#pos, v >>> 0, true);
    this.#pos += 4;
  }

  /** int<8>, little-endian; negative values are written in two's complement. */
  int8(v: number | bigint): void {
    this.ensure(8);
    if (typeof v === "number" && v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      this.#view.setUint32(this.#pos, v % TWO_POW_32, true);
      this.#view.setUint32(this.#pos + 4, Math.floor(v / TWO_POW_32), true);
    } else {
      this.#view.setBigUint64(this.#pos, BigInt.asUintN(64, BigInt(v)), true);
    }
    this.#pos += 8;
  }

  /** IEEE 754 single, little-endian. */
  float4(v: number): void {
    this.ensure(4);
    this.#view.setFloat32(this.#pos, v, true);
    this.#pos += 4;
  }

  /** IEEE 754 double, little-endian. */
  float8(v: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.#pos, v, true);
    this.#pos += 8;
  }

  /** int<lenenc>: 1 byte below 251, else 0xfc + int<2>, 0xfd + int<3> or 0xfe + int<8>. */
  lenencInt(v: number | bigint): void {
    if (v < 0) throw new RangeError(`Cannot write length-encoded integer: ${v} is negative`);
    if (v < 251) return this.int1(Number(v));
    if (v < 0x10000) {
      this.int1(0xfc);
      return this.int2(Number(v));
    }
    if (v < 0x1000000) {
      this.int1(0xfd);
      return this.int3(Number(v));
    }
    this.int1(0xfe);
    this.int8(v);
  }

  /** The 0xfb marker: NULL in a text-protocol row. */
  lenencNull(): void {
    this.int1(0xfb);
  }

  /** string<lenenc> in UTF-8. */
  lenencString(s: string): void {
    const n = s.length;
    if (n < 84) {
      // At most 3 UTF-8 bytes per UTF-16 unit: 83 * 3 = 249 < 251, a 1-byte length always fits.
      this.ensure(1 + n * 3);
      const end = this.#writeUtf8(s, this.#pos + 1);
      this.#buf[this.#pos] = end - this.#pos - 1;
      this.#pos = end;
      return;
    }
    const maxPrefix = lenencIntSize(n * 3);
    this.ensure(maxPrefix + n * 3);
    const start = this.#pos;
    const end = this.#writeUtf8(s, start + maxPrefix);
    const len = end - start - maxPrefix;
    const prefix = lenencIntSize(len);
    if (prefix !== maxPrefix) this.#buf.copyWithin(start + prefix, start + maxPrefix, end);
    this.lenencInt(len);
    this.#pos = start + prefix + len;
  }

  /** string<lenenc> of raw bytes. */
  lenencBytes(b: Uint8Array): void {
    this.lenencInt(b.length);
    this.bytes(b);
  }

  /** string<NUL> in UTF-8. */
  nulString(s: string): void {
    this.ensure(s.length * 3 + 1);
    const end = this.#writeUtf8(s, this.#pos);
    this.#buf[end] = 0;
    this.#pos = end + 1;
  }

  /** string<EOF>/string<fix> in UTF-8, no length and no terminator. */
  string(s: string): void {
    this.ensure(s.length * 3);
    this.#pos = this.#writeUtf8(s, this.#pos);
  }

  /** Raw bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.#buf.set(b, this.#pos);
    this.#pos += b.length;
  }

  /** `n` zero bytes (fillers, reserved fields). */
  zeros(n: number): void {
    this.ensure(n);
    this.#buf.fill(0, this.#pos, this.#pos + n);
    this.#pos += n;
  }

  /** Overwrite one byte already written at `offset`. */
  patchInt1(offset: number, v: number): void {
    this.#buf[offset] = v;
  }

  /** Overwrite an int<3> already written at `offset`. */
  patchInt3(offset: number, v: number): void {
    this.#buf[offset] = v;
    this.#buf[offset + 1] = v >>> 8;
    this.#buf[offset + 2] = v >>> 16;
  }

  /** Drop everything written after `length`. */
  truncate(length: number): void {
    if (length < this.#pos) this.#pos = length;
  }

  /** Open a gap of `n` bytes at `offset` by moving what follows it; the gap is left as is. */
  insertGap(offset: number, n: number): void {
    this.ensure(n);
    this.#buf.copyWithin(offset + n, offset, this.#pos);
    this.#pos += n;
  }

  /** The bytes written so far, as a view that the next write may change. */
  peek(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /** Return everything written and start empty. The result is never changed by later writes. */
  take(): Uint8Array {
    const len = this.#pos;
    this.#pos = 0;
    if (len < HANDOVER_BYTES) return this.#buf.slice(0, len);
    const out = this.#buf.subarray(0, len);
    this.#buf = new Uint8Array(this.#initialCapacity);
    this.#view = new DataView(this.#buf.buffer);
    return out;
  }

  /**
   * Return everything written as a view into the internal buffer and start empty, without the
   * copy `take()` makes (allocating a Uint8Array costs about 1 µs). The view is valid only until
   * the next write to this writer: post or write it out first.
   */
  takeView(): Uint8Array {
    const len = this.#pos;
    this.#pos = 0;
    return this.#buf.subarray(0, len);
  }

  /** Write `s` as UTF-8 at `p` (room for 3 bytes per unit ensured); returns the end offset. */
  #writeUtf8(s: string, p: number): number {
    const buf = this.#buf;
    const n = s.length;
    let i = 0;
    // ASCII fast path: encodeInto has a fixed call cost that dominates short identifiers.
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[p++] = c;
    }
    if (i === n) return p;
    const { written } = encoder.encodeInto(i === 0 ? s : s.slice(i), buf.subarray(p));
    return p + written;
  }
}

/**
 * A `PacketWriter` that frames packets: `beginPacket()`, append the payload, `endPacket()`.
 * Sequence ids are consecutive and wrap at 256; `take()` returns all framed packets at once.
 */
export class PacketOutput extends PacketWriter {
  #seq = 0;
  #start = -1;

  /** Sequence id the next frame gets. */
  get sequenceId(): number {
    return this.#seq;
  }

  set sequenceId(v: number) {
    this.#seq = v & 0xff;
  }

  /** Start a packet: reserves its header. */
  beginPacket(): void {
    if (this.#start >= 0) throw new Error("Cannot begin packet: previous packet not ended");
    this.#start = this.length;
    this.zeros(4);
  }

  /** End the packet begun last: fill in its header, splitting it into 0xffffff-byte frames. */
  endPacket(): void {
    let header = this.#start;
    if (header < 0) throw new Error("Cannot end packet: no packet begun");
    this.#start = -1;
    let remaining = this.length - header - 4;
    for (;;) {
      const chunk = remaining < MAX_PACKET_FRAME ? remaining : MAX_PACKET_FRAME;
      this.patchInt3(header, chunk);
      this.patchInt1(header + 3, this.#seq);
      this.#seq = (this.#seq + 1) & 0xff;
      // A frame of exactly 0xffffff bytes is always followed by another, possibly empty, one.
      if (chunk < MAX_PACKET_FRAME) return;
      remaining -= chunk;
      header += 4 + chunk;
      this.insertGap(header, 4);
    }
  }

  /** Drop the packet begun last, e.g. when encoding its payload failed. */
  abortPacket(): void {
    if (this.#start < 0) return;
    this.truncate(this.#start);
    this.#start = -1;
  }

  /** Append one whole packet with the given payload. */
  packet(payload: Uint8Array): void {
    this.beginPacket();
    this.bytes(payload);
    this.endPacket();
  }

  /** Return all framed packets and start empty; throws while a packet is open. */
  override take(): Uint8Array {
    if (this.#start >= 0) throw new Error("Cannot take packets: a packet is not ended");
    return super.take();
  }

  /** Like `take()` but a view valid only until the next write (see `PacketWriter.takeView`). */
  override takeView(): Uint8Array {
    if (this.#start >= 0) throw new Error("Cannot take packets: a packet is not ended");
    return super.takeView();
  }
}
