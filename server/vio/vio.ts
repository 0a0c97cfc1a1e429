/**
 * VIO: the one place that touches a client socket (house rule 2), named after MySQL's vio/.
 *
 * A `Vio` keeps one read pending at all times, so a client that goes away is noticed at once,
 * also while its statement runs; every chunk read goes to the packet framer and each whole
 * packet to `onPacket`. Writes are queued and each is looped until the kernel took all bytes. A
 * write that makes no progress for net_write_timeout is interrupted by closing the socket from a
 * timer (see DENO_NOTES: `conn.close()` rejects the pending write). The owner bounds what it
 * queues with `whenWritable()`, so a client that stops reading a large result holds at most a
 * few MiB here. Reads have one timer whose meaning the owner picks (connect_timeout during the
 * handshake, later wait_timeout when idle and net_read_timeout inside a packet).
 */

import { type PeerAddress, peerAddressOf } from "./peer_address.ts";
import { VioMemory } from "./vio_memory.ts";

/** What the VIO needs from the packet framer (protocol/packet_framer.ts). */
export interface VioFramer {
  /** Keeps `chunk` by reference until its bytes were returned in packets. */
  push(chunk: Uint8Array): void;
  /** True while part of a packet is buffered. */
  readonly hasPartialPacket: boolean;
  /** Bytes received and not yet returned in packets (tracked while a packet is partial). */
  readonly bufferedBytes: number;
  next(): { sequenceId: number; payload: Uint8Array } | null;
}

/** Why the read side ended. */
export type VioEndReason =
  /** The client closed its end. */
  | "eof"
  /** We closed the socket (`close()`, a read timeout, a kill). */
  | "closed"
  /** A write made no progress for the write timeout (net_write_timeout). */
  | "write_timeout"
  /** A read failed (reset by peer, ...). */
  | "error"
  /** The framer rejected the byte stream; `error` holds its exception. */
  | "malformed";

/** Callbacks of `Vio.start`. */
export interface VioHandlers {
  /** One whole packet. `payload` may be a view into framer memory: copy what you keep. */
  onPacket(sequenceId: number, payload: Uint8Array): void;
  /** A read ended in the middle of a packet (the hook for net_read_timeout). */
  onPartialPacket?(): void;
  /** The read loop ended; called exactly once. The socket is closed, except after
   * "malformed", where the owner may still write and must then close it. */
  onEnd(reason: VioEndReason, error?: unknown): void;
}

/** Size of the one read buffer per connection. */
const READ_CHUNK = 64 * 1024;
/** Above this many queued bytes `whenWritable()` makes the producer wait... */
export const WRITE_HIGH_WATER = 2 * 1024 * 1024;
/** ...until the queue is down to this many. */
const WRITE_LOW_WATER = 512 * 1024;

/** A client connection's socket. */
export class Vio {
  readonly peer: PeerAddress;
  /** Bytes read from and written to the socket (Bytes_received / Bytes_sent). */
  bytesReceived = 0;
  bytesSent = 0;

  #conn: Deno.Conn;
  #framer: VioFramer;
  #closed = false;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #writing = false;
  #drained: (() => void)[] = [];
  #writable: (() => void)[] = [];
  /** Why the socket was closed, as the read loop reports it. */
  #closeReason: VioEndReason = "closed";
  #writeTimeoutMs = 0;
  #writeTimer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` when the pending socket write began; 0 while none is pending. */
  #writeSince = 0;
  #readTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending read timer fires (`performance.now()` time); meaningful while set. */
  #readTimerAt = 0;
  /** When the read side times out; 0 while disarmed. */
  #readDeadline = 0;
  #onReadTimeout: (() => void) | null = null;

  constructor(conn: Deno.Conn, framer: VioFramer) {
    this.#conn = conn;
    this.#framer = framer;
    this.peer = peerAddressOf(conn.remoteAddr);
    if (conn.remoteAddr.transport === "tcp") {
      // Accepted sockets start with Nagle on; a request/response protocol wants it off.
      (conn as Deno.TcpConn).setNoDelay(true);
    }
  }

  /** True once `close()` ran or the socket failed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Start the read loop; it runs until the peer goes away or `close()`. */
  start(handlers: VioHandlers): void {
    this.#readLoop(handlers);
  }

  async #readLoop(handlers: VioHandlers): Promise<void> {
    let buffer = new Uint8Array(READ_CHUNK);
    const memory = new VioMemory(this.peer, READ_CHUNK);
    let reason: VioEndReason = "eof";
    let failure: unknown;
    try {
      while (!this.#closed) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        this.bytesReceived += n;
        this.#framer.push(buffer.subarray(0, n));
        for (let p = this.#framer.next(); p !== null; p = this.#framer.next()) {
          handlers.onPacket(p.sequenceId, p.payload);
          if (this.#closed) break;
        }
        memory.framed(this.#framer);
        if (this.#framer.hasPartialPacket) {
          // The framer holds on to the chunk by reference: read the next bytes elsewhere. Whole
          // packets were consumed (copied) by onPacket, so otherwise the buffer is reused.
          buffer = new Uint8Array(READ_CHUNK);
          handlers.onPartialPacket?.();
        }
      }
    } catch (error) {
      if (this.#closed) {
        reason = this.#closeReason;
      } else {
        const framing = !(error instanceof Deno.errors.ConnectionReset ||
          error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.Interrupted ||
          error instanceof Deno.errors.BadResource || error instanceof Deno.errors.NotConnected);
        reason = framing ? "malformed" : "error";
        failure = error;
      }
    }
    if (this.#closed && reason === "eof") reason = this.#closeReason;
    // After a framing error the socket stays open so the owner can still send an ERR packet
    // (ER_NET_PACKET_TOO_LARGE); the owner closes it.
    if (reason !== "malformed") this.close();
    memory.close();
    handlers.onEnd(reason, failure);
  }

  /** Queue bytes for the client; they go out in order. A failed write closes the socket. */
  write(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.length;
    if (!this.#writing) this.#flush();
  }

  /** Bytes queued and not yet taken by the kernel. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /**
   * Null while the caller may queue more; otherwise (more than `WRITE_HIGH_WATER` bytes queued)
   * a promise that resolves once the queue drained to a low-water mark or the socket closed.
   */
  whenWritable(): Promise<void> | null {
    if (this.#closed || this.#queuedBytes <= WRITE_HIGH_WATER) return null;
    return new Promise((resolve) => this.#writable.push(resolve));
  }

  /** Resolves when every queued byte was written (or the socket closed). */
  drain(): Promise<void> {
    if (!this.#writing || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const bytes = this.#queue[0]!;
        let done = 0;
        while (done < bytes.length) {
          // net_write_timeout bounds each write call, so it measures lack of progress.
          this.#writeSince = performance.now();
          this.#watchWrite();
          const n = await this.#conn.write(bytes.subarray(done));
          this.#writeSince = 0;
          done += n;
          this.bytesSent += n;
        }
        this.#queue.shift();
        this.#queuedBytes -= bytes.length;
        if (this.#queuedBytes <= WRITE_LOW_WATER) this.#wakeWritable();
      }
    } catch {
      // Peer gone, or the write timeout closed the socket: the read loop reports the end.
      this.#closeWith("error");
    } finally {
      this.#writing = false;
      this.#writeSince = 0;
      const waiters = this.#drained;
      this.#drained = [];
      for (const resolve of waiters) resolve();
    }
  }

  /**
   * Make sure a timer watches the pending write. One timer serves many writes: it re-arms
   * itself for the rest of the current write's allowance and lapses when no write is pending,
   * so the hot path sets no timer per reply.
   */
  #watchWrite(): void {
    if (this.#writeTimer !== undefined || this.#writeTimeoutMs <= 0) return;
    this.#writeTimer = setTimeout(() => this.#checkWrite(), this.#writeTimeoutMs);
  }

  #checkWrite(): void {
    this.#writeTimer = undefined;
    if (this.#writeSince === 0 || this.#closed || this.#writeTimeoutMs <= 0) return;
    const left = this.#writeSince + this.#writeTimeoutMs - performance.now();
    if (left <= 0) this.#closeWith("write_timeout");
    else this.#writeTimer = setTimeout(() => this.#checkWrite(), left);
  }

  #wakeWritable(): void {
    if (this.#writable.length === 0) return;
    const waiters = this.#writable;
    this.#writable = [];
    for (const resolve of waiters) resolve();
  }

  /** net_write_timeout in milliseconds; 0 turns it off. */
  setWriteTimeout(ms: number): void {
    if (ms === this.#writeTimeoutMs) return;
    this.#writeTimeoutMs = ms;
    // The watch timer may run on the old allowance: restart it on the new one.
    clearTimeout(this.#writeTimer);
    this.#checkWrite();
  }

  /**
   * Arm the read timer: if it is not disarmed or re-armed within `ms`, `onTimeout` runs (and
   * usually closes the connection). One timer serves connect_timeout, wait_timeout and
   * net_read_timeout, since at any moment only one of them applies. Like the write watch, the
   * timer is not reset per packet: arming moves a deadline, and the timer, when it fires early,
   * re-arms itself for the rest, so a busy connection sets about one timer per timeout period.
   */
  armReadTimeout(ms: number, onTimeout: () => void): void {
    if (this.#closed || ms <= 0) {
      this.disarmReadTimeout();
      return;
    }
    const deadline = performance.now() + ms;
    this.#readDeadline = deadline;
    this.#onReadTimeout = onTimeout;
    if (this.#readTimer !== undefined && this.#readTimerAt <= deadline) return;
    clearTimeout(this.#readTimer);
    this.#startReadTimer(ms);
  }

  #startReadTimer(ms: number): void {
    this.#readTimerAt = performance.now() + ms;
    this.#readTimer = setTimeout(() => this.#checkRead(), ms);
  }

  #checkRead(): void {
    this.#readTimer = undefined;
    if (this.#readDeadline === 0 || this.#closed) return;
    const left = this.#readDeadline - performance.now();
    if (left > 0) {
      this.#startReadTimer(left);
      return;
    }
    const onTimeout = this.#onReadTimeout;
    this.#readDeadline = 0;
    this.#onReadTimeout = null;
    onTimeout?.();
  }

  /** Cancel the read timer (its pending callback, if any, finds nothing armed). */
  disarmReadTimeout(): void {
    this.#readDeadline = 0;
    this.#onReadTimeout = null;
  }

  /** Close the socket; pending reads and writes end. Safe to call twice. */
  close(): void {
    this.#closeWith("closed");
  }

  #closeWith(reason: VioEndReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.disarmReadTimeout();
    clearTimeout(this.#readTimer);
    this.#readTimer = undefined;
    clearTimeout(this.#writeTimer);
    this.#writeTimer = undefined;
    this.#wakeWritable();
    try {
      this.#conn.close();
    } catch {
      // already closed by the runtime
    }
  }
}
