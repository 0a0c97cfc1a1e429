/**
 * A single-producer, single-consumer byte ring in a SharedArrayBuffer: how a session worker and
 * the main thread pass messages without postMessage (whose round trip costs 50–100 µs, against a
 * few µs for a store plus `Atomics.notify` that wakes a waiting thread).
 *
 * Layout: an Int32 header (`Word`) followed by `capacity` data bytes, a power of two. The
 * producer alone moves HEAD and the consumer alone moves TAIL; both are free-running byte counts
 * (wrapping at 2^32), so `HEAD - TAIL` is the number of bytes in use. The consumer waits on HEAD
 * for data, the producer on TAIL for space.
 *
 * A message is a kind byte, an argument byte and a body. It travels as frames that never wrap
 * around the end of the ring: [u32 body length][u8 kind][u8 arg][u8 flags][u8 0][body][pad to 8].
 * A body larger than `maxFrameBody` is split into frames flagged MORE; the consumer joins them,
 * so one message may be larger than the ring as long as the consumer drains it concurrently.
 */

/** Int32 slots of the ring header. */
const Word = {
  /** Bytes ever written (the consumer waits on it). */
  HEAD: 0,
  /** Bytes ever consumed (the producer waits on it). */
  TAIL: 1,
  /** 1 while the producer waits for space: the consumer then notifies TAIL. */
  SPACE_WAIT: 2,
  /** 1 once the owner asked the consumer to stop (see `stop()`). */
  STOP: 3,
} as const;

/** Bytes of the header (8 Int32 slots, keeping the data 8-aligned). */
const HEADER_BYTES = 32;
/** Bytes of a frame header. */
const FRAME_HEADER = 8;
/** Frame kind that says "the rest of the ring is padding: continue at offset 0". */
const KIND_WRAP = 0xff;
/** Frame flag: more frames of the same message follow. */
const FLAG_MORE = 1;

/** Default data capacity: 1 MiB. */
export const DEFAULT_CHANNEL_CAPACITY = 1 << 20;

/** Returned by `write` once the whole message is in the ring. */
export const WRITE_DONE = -1;

/** One end's view of a byte ring in shared memory. Both ends construct one over the same
 * buffer; each end only calls its own side's methods. */
export class SharedChannel {
  /** The shared memory, to hand to the other thread. */
  readonly buffer: SharedArrayBuffer;
  /** Kind of the message `read()` returned last. */
  kind = 0;
  /** Argument byte of the message `read()` returned last. */
  arg = 0;
  /** After `readPart()`: true when more frames of the same message follow. */
  more = false;

  readonly #header: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #capacity: number;
  readonly #mask: number;
  readonly #maxBody: number;
  /** Frames of a message whose last frame has not arrived yet. */
  #parts: Uint8Array[] = [];
  /** TAIL as the producer last saw it, when `write` ran out of space. */
  #seenTail = 0;

  /** Allocate a new ring of `capacity` data bytes (a power of two, at least 4 KiB). */
  static create(capacity: number = DEFAULT_CHANNEL_CAPACITY): SharedChannel {
    if (capacity < 4096 || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`Cannot create channel: capacity ${capacity} is not a power of two`);
    }
    return new SharedChannel(new SharedArrayBuffer(HEADER_BYTES + capacity));
  }

  /** View a ring another thread created. */
  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#capacity = buffer.byteLength - HEADER_BYTES;
    this.#mask = this.#capacity - 1;
    // A frame (header, padding) plus a wrap marker always fits: the producer can always progress.
    this.#maxBody = this.#capacity / 4;
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.#bytes = new Uint8Array(buffer, HEADER_BYTES);
    this.#view = new DataView(buffer, HEADER_BYTES);
  }

  // ---- producer side ----

  /**
   * Write the message `kind`/`arg`/`body` from byte `offset` of `body` on (0 for a new message).
   * Returns `WRITE_DONE` when its last frame is in the ring, otherwise the offset to continue
   * from once the consumer made space. Wakes the consumer when it wrote anything.
   */
  write(kind: number, arg: number, body: Uint8Array | null, offset: number): number {
    const total = body === null ? 0 : body.length;
    const header = this.#header;
    let head = Atomics.load(header, Word.HEAD);
    this.#seenTail = Atomics.load(header, Word.TAIL);
    const free = this.#capacity - ((head - this.#seenTail) | 0);
    let used = 0;
    let result = offset;
    for (;;) {
      const n = Math.min(total - offset, this.#maxBody);
      const size = FRAME_HEADER + ((n + 7) & ~7);
      const pos = head & this.#mask;
      const room = this.#capacity - pos;
      const need = size <= room ? size : room + size;
      if (used + need > free) break;
      let at = pos;
      if (size > room) {
        this.#frameHeader(pos, 0, KIND_WRAP, 0, 0);
        at = 0;
      }
      const more = offset + n < total;
      this.#frameHeader(at, n, kind, arg, more ? FLAG_MORE : 0);
      if (n > 0) this.#bytes.set(body!.subarray(offset, offset + n), at + FRAME_HEADER);
      head = (head + need) | 0;
      used += need;
      offset += n;
      if (!more) {
        result = WRITE_DONE;
        break;
      }
      result = offset;
    }
    if (used > 0) {
      Atomics.store(header, Word.HEAD, head);
      Atomics.notify(header, Word.HEAD);
    }
    return result;
  }

  /** After `write` ran out of space: block up to `ms` until the consumer frees some (a
   * worker's wait; never the main thread's). */
  waitForSpace(ms: number): void {
    Atomics.store(this.#header, Word.SPACE_WAIT, 1);
    Atomics.wait(this.#header, Word.TAIL, this.#seenTail, ms);
  }

  /** After `write` ran out of space: resolves when the consumer freed some, or after `ms` (the
   * main thread's wait). */
  async waitForSpaceAsync(ms: number): Promise<void> {
    Atomics.store(this.#header, Word.SPACE_WAIT, 1);
    const waited = Atomics.waitAsync(this.#header, Word.TAIL, this.#seenTail, ms);
    if (waited.async) await waited.value;
  }

  #frameHeader(at: number, length: number, kind: number, arg: number, flags: number): void {
    this.#view.setUint32(at, length, true);
    const bytes = this.#bytes;
    bytes[at + 4] = kind;
    bytes[at + 5] = arg;
    bytes[at + 6] = flags;
    bytes[at + 7] = 0;
  }

  // ---- consumer side ----

  /**
   * The next whole message's body (a copy the caller owns), with `kind` and `arg` set; null
   * when no whole message is waiting. Frees its space and wakes a producer waiting for it.
   */
  read(): Uint8Array | null {
    const header = this.#header;
    let tail = Atomics.load(header, Word.TAIL);
    const head = Atomics.load(header, Word.HEAD);
    let body: Uint8Array | null = null;
    while (tail !== head) {
      const pos = tail & this.#mask;
      const bytes = this.#bytes;
      if (bytes[pos + 4] === KIND_WRAP) {
        tail = (tail + this.#capacity - pos) | 0;
        continue;
      }
      const n = this.#view.getUint32(pos, true);
      const part = bytes.slice(pos + FRAME_HEADER, pos + FRAME_HEADER + n);
      tail = (tail + FRAME_HEADER + ((n + 7) & ~7)) | 0;
      if ((bytes[pos + 6]! & FLAG_MORE) !== 0) {
        this.#parts.push(part);
        continue;
      }
      this.kind = bytes[pos + 4]!;
      this.arg = bytes[pos + 5]!;
      body = this.#parts.length === 0 ? part : this.#join(part);
      break;
    }
    this.#release(tail);
    return body;
  }

  /**
   * Like `read()`, but a message of several frames comes out frame by frame, with `more` true
   * on all but the last, so a large reply can be passed on in pieces instead of being held whole
   * (the main thread's backpressure on a client that reads slowly). Do not mix with `read()`
   * within one message.
   */
  readPart(): Uint8Array | null {
    const header = this.#header;
    let tail = Atomics.load(header, Word.TAIL);
    const head = Atomics.load(header, Word.HEAD);
    let body: Uint8Array | null = null;
    while (tail !== head) {
      const pos = tail & this.#mask;
      const bytes = this.#bytes;
      if (bytes[pos + 4] === KIND_WRAP) {
        tail = (tail + this.#capacity - pos) | 0;
        continue;
      }
      const n = this.#view.getUint32(pos, true);
      body = bytes.slice(pos + FRAME_HEADER, pos + FRAME_HEADER + n);
      tail = (tail + FRAME_HEADER + ((n + 7) & ~7)) | 0;
      this.kind = bytes[pos + 4]!;
      this.arg = bytes[pos + 5]!;
      this.more = (bytes[pos + 6]! & FLAG_MORE) !== 0;
      break;
    }
    this.#release(tail);
    return body;
  }

  /** Publish the consumer's new TAIL and wake a producer waiting for space. */
  #release(tail: number): void {
    const header = this.#header;
    Atomics.store(header, Word.TAIL, tail);
    if (Atomics.load(header, Word.SPACE_WAIT) !== 0) {
      Atomics.store(header, Word.SPACE_WAIT, 0);
      Atomics.notify(header, Word.TAIL);
    }
  }

  #join(last: Uint8Array): Uint8Array {
    const parts = this.#parts;
    parts.push(last);
    this.#parts = [];
    let length = 0;
    for (const part of parts) length += part.length;
    const body = new Uint8Array(length);
    let at = 0;
    for (const part of parts) {
      body.set(part, at);
      at += part.length;
    }
    return body;
  }

  /** Block up to `ms` while the ring is empty (a worker's wait). Returns at once otherwise. */
  waitForData(ms: number): void {
    const tail = Atomics.load(this.#header, Word.TAIL);
    Atomics.wait(this.#header, Word.HEAD, tail, ms);
  }

  /** A promise that resolves when data arrives, or null when some is already there (the main
   * thread's wait). */
  waitForDataAsync(): Promise<unknown> | null {
    const tail = Atomics.load(this.#header, Word.TAIL);
    const waited = Atomics.waitAsync(this.#header, Word.HEAD, tail);
    return waited.async ? waited.value : null;
  }

  // ---- either side ----

  /** Ask the consumer to stop (it checks `stopped` between waits) and wake both ends. */
  stop(): void {
    Atomics.store(this.#header, Word.STOP, 1);
    this.wake();
  }

  /** True once `stop()` was called on either end. */
  get stopped(): boolean {
    return Atomics.load(this.#header, Word.STOP) !== 0;
  }

  /** Wake whoever waits on this ring (for data or for space) without writing anything. */
  wake(): void {
    Atomics.notify(this.#header, Word.HEAD);
    Atomics.notify(this.#header, Word.TAIL);
  }
}
