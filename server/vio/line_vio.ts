/**
 * The VIO of a line protocol (HandlerSocket): reads a socket into whole lines, hands each batch
 * of complete lines to the owner, writes what the owner answers, in order. A line longer than
 * `maxLine` or a peer idle past `idleTimeoutMs` ends the connection (the original plugin closes
 * it too). Like `Vio`, it is the only code that touches its socket (house rule 2).
 */

import { splitLines } from "../../protocol/handlersocket.ts";

/** Options of {@linkcode LineVio}. */
export interface LineVioOptions {
  /** Longest line accepted, in bytes (LF excluded). */
  maxLine: number;
  /** Close the connection after this long without a request (0: never). */
  idleTimeoutMs: number;
}

/** Why a line connection ended. */
export type LineVioEnd = "eof" | "closed" | "timeout" | "overlong" | "error";

/** A line-protocol connection. */
export class LineVio {
  readonly #conn: Deno.Conn;
  readonly #options: LineVioOptions;
  #buf = new Uint8Array(16384);
  #used = 0;
  #closed = false;
  #timedOut = false;
  /** `performance.now()` of the last read or answer (handlersocket_timeout counts from it). */
  #idleSince = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  bytesReceived = 0;
  bytesSent = 0;

  constructor(conn: Deno.Conn, options: LineVioOptions) {
    this.#conn = conn;
    this.#options = options;
    if (conn.remoteAddr.transport === "tcp") (conn as Deno.TcpConn).setNoDelay(true);
  }

  /** The peer as `host:port`. */
  get peer(): string {
    const a = this.#conn.remoteAddr;
    return a.transport === "tcp" ? `${a.hostname}:${a.port}` : "localhost";
  }

  /** Read lines until the connection ends; `onLines` answers each batch. */
  async run(onLines: (lines: Uint8Array[]) => Promise<Uint8Array>): Promise<LineVioEnd> {
    const chunk = new Uint8Array(65536);
    this.#armIdle();
    try {
      for (;;) {
        let n: number | null;
        try {
          n = await this.#conn.read(chunk);
        } catch {
          return this.#timedOut ? "timeout" : this.#closed ? "closed" : "error";
        }
        // Each read moves the idle deadline; the one timer re-arms itself for the rest.
        this.#idleSince = performance.now();
        if (n === null) return this.#closed ? (this.#timedOut ? "timeout" : "closed") : "eof";
        this.bytesReceived += n;
        this.#append(chunk.subarray(0, n));
        const { lines, consumed, overlong } = splitLines(
          this.#buf.subarray(0, this.#used),
          this.#options.maxLine,
        );
        if (lines.length > 0) {
          // The lines are views into the buffer: copy them before the buffer moves.
          const answer = await onLines(lines.map((l) => l.slice()));
          if (!(await this.#write(answer))) return this.#closed ? "closed" : "error";
          this.#idleSince = performance.now();
        }
        this.#buf.copyWithin(0, consumed, this.#used);
        this.#used -= consumed;
        if (overlong) return "overlong";
      }
    } finally {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
  }

  /** Start the idle timer: it fires about once per timeout period and closes the connection
   * when nothing was read or answered for `idleTimeoutMs` (no timer is set per request). */
  #armIdle(): void {
    const ms = this.#options.idleTimeoutMs;
    if (ms <= 0) return;
    this.#idleSince = performance.now();
    const check = (): void => {
      this.#idleTimer = undefined;
      if (this.#closed) return;
      const left = this.#idleSince + ms - performance.now();
      if (left > 0) {
        this.#idleTimer = setTimeout(check, left);
        return;
      }
      this.#timedOut = true;
      this.close();
    };
    this.#idleTimer = setTimeout(check, ms);
  }

  #append(bytes: Uint8Array): void {
    if (this.#used + bytes.length > this.#buf.length) {
      const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.#used + bytes.length));
      bigger.set(this.#buf.subarray(0, this.#used));
      this.#buf = bigger;
    }
    this.#buf.set(bytes, this.#used);
    this.#used += bytes.length;
  }

  async #write(bytes: Uint8Array): Promise<boolean> {
    try {
      let done = 0;
      while (done < bytes.length) done += await this.#conn.write(bytes.subarray(done));
      this.bytesSent += done;
      return true;
    } catch {
      return false;
    }
  }

  /** Close the socket (a pending read ends). Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }
}
