/**
 * Incremental packet framing for bytes read from a socket: `push()` chunks as they arrive,
 * `next()` returns whole logical packets, joining 0xffffff-byte continuation frames
 * (Protocol::Packet, "Sending More Than 16Mb"). max_allowed_packet is enforced from the
 * headers alone, before the payload is buffered.
 */

import { MAX_PACKET_FRAME } from "./constants.ts";
import { ProtocolError } from "./protocol_error.ts";

/** One logical packet: the sequence id of its last frame and the joined payload. */
export interface FramedPacket {
  sequenceId: number;
  payload: Uint8Array;
}

/** Largest max_allowed_packet MySQL allows (1 GiB). */
const DEFAULT_MAX_PACKET_SIZE = 1024 * 1024 * 1024;

/**
 * Splits a byte stream into packets. Pushed chunks are kept by reference and returned payloads
 * may be views into them: do not modify a chunk after pushing it.
 */
export class PacketFramer {
  /** Largest logical payload accepted (max_allowed_packet); a larger one throws "too_large". */
  maxPacketSize: number;

  #chunks: Uint8Array[] = [];
  #head = 0;
  #offset = 0;
  #buffered = 0;
  /** Payload of a packet being assembled across chunks or frames; null when none. */
  #asm: Uint8Array | null = null;
  #asmLen = 0;
  /** Bytes of the current frame still to copy into #asm; -1 when the next thing is a header. */
  #frameLeft = -1;
  #frameFull = false;
  #seq = 0;
  #failed: ProtocolError | null = null;

  constructor(options: { maxPacketSize?: number } = {}) {
    this.maxPacketSize = options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE;
  }

  /** True while some bytes of a packet have arrived but not all of them (net_read_timeout). */
  get hasPartialPacket(): boolean {
    return this.#buffered > 0 || this.#asm !== null;
  }

  /** Bytes received and not yet returned as part of a packet. */
  get bufferedBytes(): number {
    return this.#buffered + this.#asmLen;
  }

  /** Add bytes read from the socket. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /**
   * The next complete packet, or null when more bytes are needed. Throws `ProtocolError`
   * "too_large" as soon as a header shows the packet exceeds `maxPacketSize`, and
   * "out_of_order" for a continuation frame with a wrong sequence id; after that every call
   * throws the same error.
   */
  next(): FramedPacket | null {
    if (this.#failed) throw this.#failed;
    for (;;) {
      if (this.#frameLeft < 0) {
        if (this.#buffered < 4) return null;
        const fast = this.#readHeader();
        if (fast) return fast;
      }
      if (this.#frameLeft > 0) this.#copyFrame();
      if (this.#frameLeft > 0) return null;
      this.#frameLeft = -1;
      if (!this.#frameFull) {
        const payload = this.#asm!.subarray(0, this.#asmLen);
        this.#asm = null;
        this.#asmLen = 0;
        return { sequenceId: this.#seq, payload };
      }
    }
  }

  /** Consume a frame header; returns the packet when it lies whole in the first chunk. */
  #readHeader(): FramedPacket | null {
    const len = this.#byteAt(0) | (this.#byteAt(1) << 8) | (this.#byteAt(2) << 16);
    const seq = this.#byteAt(3);
    const joining = this.#asm !== null;
    if (joining && seq !== ((this.#seq + 1) & 0xff)) {
      return this.#fail("out_of_order", `Cannot join packet: frame ${seq} after ${this.#seq}`);
    }
    if (this.#asmLen + len > this.maxPacketSize) {
      return this.#fail(
        "too_large",
        `Cannot read packet: ${this.#asmLen + len} bytes exceed max_allowed_packet`,
      );
    }
    this.#consume(4);
    this.#seq = seq;
    this.#frameFull = len === MAX_PACKET_FRAME;
    if (!joining && !this.#frameFull) {
      const chunk = this.#chunks[this.#head];
      if (len === 0) return { sequenceId: seq, payload: new Uint8Array(0) };
      if (chunk && chunk.length - this.#offset >= len) {
        // Fast path: the whole packet is in one chunk; hand out a view, no copy.
        const payload = chunk.subarray(this.#offset, this.#offset + len);
        this.#consume(len);
        return { sequenceId: seq, payload };
      }
    }
    this.#grow(len);
    this.#frameLeft = len;
    return null;
  }

  /** Make the assembly buffer hold `len` more bytes. */
  #grow(len: number): void {
    const need = this.#asmLen + len;
    if (this.#asm === null) {
      this.#asm = new Uint8Array(need);
    } else if (this.#asm.length < need) {
      const cap = Math.min(Math.max(need, this.#asm.length * 2), this.maxPacketSize);
      const next = new Uint8Array(Math.max(cap, need));
      next.set(this.#asm.subarray(0, this.#asmLen));
      this.#asm = next;
    }
  }

  /** Copy buffered bytes of the current frame into the assembly buffer. */
  #copyFrame(): void {
    const asm = this.#asm!;
    while (this.#frameLeft > 0 && this.#buffered > 0) {
      const chunk = this.#chunks[this.#head]!;
      const n = Math.min(chunk.length - this.#offset, this.#frameLeft);
      asm.set(chunk.subarray(this.#offset, this.#offset + n), this.#asmLen);
      this.#asmLen += n;
      this.#frameLeft -= n;
      this.#consume(n);
    }
  }

  /** Byte `i` of the buffered stream (i < #buffered). */
  #byteAt(i: number): number {
    let h = this.#head;
    let k = this.#offset + i;
    for (;;) {
      const chunk = this.#chunks[h]!;
      if (k < chunk.length) return chunk[k]!;
      k -= chunk.length;
      h++;
    }
  }

  /** Drop `n` buffered bytes from the front. */
  #consume(n: number): void {
    this.#buffered -= n;
    if (this.#buffered === 0) {
      this.#chunks.length = 0;
      this.#head = 0;
      this.#offset = 0;
      return;
    }
    let off = this.#offset + n;
    for (;;) {
      const len = this.#chunks[this.#head]!.length;
      if (off < len) break;
      off -= len;
      this.#head++;
    }
    this.#offset = off;
    if (this.#head > 64) {
      this.#chunks.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #fail(code: "too_large" | "out_of_order", message: string): never {
    this.#failed = new ProtocolError(code, message);
    throw this.#failed;
  }
}
