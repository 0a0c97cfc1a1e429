/**
 * VIO: the one place that touches a client socket (house rule 2), named after MySQL's vio/.
 *
 * A `Vio` keeps one read pending at all times, so a client that goes away is noticed at once,
 * also while its statement runs; every chunk read goes to the packet framer and each whole
 * packet to `onPacket`. Writes are queued and each is looped until the kernel took all bytes. A
 * stuck write is interrupted by closing the socket from a timer (net_write_timeout); reads have
 * one timer whose meaning the owner picks (connect_timeout during the handshake, later
 * wait_timeout when idle and net_read_timeout inside a packet).
 */

import { type PeerAddress, peerAddressOf } from "./peer_address.ts";

/** What the VIO needs from the packet framer (protocol/packet_framer.ts). */
export interface VioFramer {
  /** Keeps `chunk` by reference until its bytes were returned in packets. */
  push(chunk: Uint8Array): void;
  /** True while part of a packet is buffered. */
  readonly hasPartialPacket: boolean;
  next(): { sequenceId: number; payload: Uint8Array } | null;
}

/** Why the read side ended. */
export type VioEndReason =
  /** The client closed its end. */
  | "eof"
  /** We closed the socket (`close()`, a timeout, a kill). */
  | "closed"
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
  #writing = false;
  #drained: (() => void)[] = [];
  #writeTimeoutMs = 0;
  #writeTimer: ReturnType<typeof setTimeout> | undefined;
  #readTimer: ReturnType<typeof setTimeout> | undefined;

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
    let reason: VioEndReason = "closed";
    let failure: unknown;
    try {
      while (!this.#closed) {
        const n = await this.#conn.read(buffer);
        if (n === null) {
          reason = "eof";
          break;
        }
        this.bytesReceived += n;
        this.#framer.push(buffer.subarray(0, n));
        for (let p = this.#framer.next(); p !== null; p = this.#framer.next()) {
          handlers.onPacket(p.sequenceId, p.payload);
          if (this.#closed) break;
        }
        if (this.#framer.hasPartialPacket) {
          // The framer holds on to the chunk by reference: read the next bytes elsewhere. Whole
          // packets were consumed (copied) by onPacket, so otherwise the buffer is reused.
          buffer = new Uint8Array(READ_CHUNK);
          handlers.onPartialPacket?.();
        }
      }
    } catch (error) {
      if (!this.#closed) {
        const framing = !(error instanceof Deno.errors.ConnectionReset ||
          error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.Interrupted ||
          error instanceof Deno.errors.BadResource || error instanceof Deno.errors.NotConnected);
        reason = framing ? "malformed" : "error";
        failure = error;
      }
    }
    // After a framing error the socket stays open so the owner can still send an ERR packet
    // (ER_NET_PACKET_TOO_LARGE); the owner closes it.
    if (reason !== "malformed") this.close();
    handlers.onEnd(reason, failure);
  }

  /** Queue bytes for the client; they go out in order. A failed write closes the socket. */
  write(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#queue.push(bytes);
    if (!this.#writing) this.#flush();
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
        const bytes = this.#queue.shift()!;
        if (this.#writeTimeoutMs > 0) {
          this.#writeTimer = setTimeout(() => this.close(), this.#writeTimeoutMs);
        }
        let done = 0;
        while (done < bytes.length) done += await this.#conn.write(bytes.subarray(done));
        this.bytesSent += done;
        clearTimeout(this.#writeTimer);
      }
    } catch {
      // Peer gone or write timeout: the read loop reports the end; nothing else to tell.
      this.close();
    } finally {
      this.#writing = false;
      clearTimeout(this.#writeTimer);
      const waiters = this.#drained;
      this.#drained = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** net_write_timeout in milliseconds; 0 turns it off. */
  setWriteTimeout(ms: number): void {
    this.#writeTimeoutMs = ms;
  }

  /**
   * Arm the read timer: if it is not disarmed or re-armed within `ms`, `onTimeout` runs (and
   * usually closes the connection). One timer serves connect_timeout, wait_timeout and
   * net_read_timeout, since at any moment only one of them applies.
   */
  armReadTimeout(ms: number, onTimeout: () => void): void {
    clearTimeout(this.#readTimer);
    if (this.#closed || ms <= 0) return;
    this.#readTimer = setTimeout(() => {
      this.#readTimer = undefined;
      onTimeout();
    }, ms);
  }

  /** Cancel the read timer. */
  disarmReadTimeout(): void {
    clearTimeout(this.#readTimer);
    this.#readTimer = undefined;
  }

  /** Close the socket; pending reads and writes end. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.disarmReadTimeout();
    clearTimeout(this.#writeTimer);
    try {
      this.#conn.close();
    } catch {
      // already closed by the runtime
    }
  }
}
