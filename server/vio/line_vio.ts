/**
 * The VIO of a line protocol (HandlerSocket): reads a socket into one buffer, hands the owner
 * each run of complete lines in place (no copy), writes what the owner answers, in order. A
 * line longer than `maxLine` or a peer idle past `idleTimeoutMs` ends the connection (the
 * original plugin closes it too). Like `Vio`, it is the only code that touches its socket (house
 * rule 2).
 */

import { HS_LF } from "../../protocol/handlersocket.ts";

/** The read buffer's size; it grows for a longer line and shrinks back after it. */
const READ_BUFFER_BYTES = 16 * 1024;

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
  #buf = new Uint8Array(READ_BUFFER_BYTES);
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

  /**
   * Read lines until the connection ends. `onLines` gets every complete line read so far as
   * one view of the read buffer, each line ending in LF (the view stays valid until its answer
   * is written), and returns the answer's bytes, or their promise. A line over `maxLine` ends
   * the connection after the lines before it are answered.
   */
  async run(
    onLines: (lines: Uint8Array) => Uint8Array | Promise<Uint8Array>,
  ): Promise<LineVioEnd> {
    const max = this.#options.maxLine;
    this.#armIdle();
    try {
      for (;;) {
        if (this.#used === this.#buf.length) this.#grow();
        let n: number | null;
        try {
          n = await this.#conn.read(this.#buf.subarray(this.#used));
        } catch {
          return this.#timedOut ? "timeout" : this.#closed ? "closed" : "error";
        }
        // Each read moves the idle deadline; the one timer re-arms itself for the rest.
        this.#idleSince = performance.now();
        if (n === null) return this.#closed ? (this.#timedOut ? "timeout" : "closed") : "eof";
        const from = this.#used;
        this.#used += n;
        this.bytesReceived += n;
        // Whole lines: the buffer always starts at a line, and the bytes before `from` hold
        // no LF (they were an unfinished line).
        const data = this.#buf.subarray(0, this.#used);
        let lineStart = 0;
        let overlong = false;
        for (let lf = data.indexOf(HS_LF, from); lf >= 0; lf = data.indexOf(HS_LF, lf + 1)) {
          if (lf - lineStart > max) {
            overlong = true;
            break;
          }
          lineStart = lf + 1;
        }
        if (this.#used - lineStart > max) overlong = true;
        if (lineStart > 0) {
          const answer = onLines(data.subarray(0, lineStart));
          const bytes = answer instanceof Uint8Array ? answer : await answer;
          if (!(await this.#write(bytes))) return this.#closed ? "closed" : "error";
          this.#idleSince = performance.now();
          this.#used -= lineStart;
          if (this.#buf.length > READ_BUFFER_BYTES && this.#used <= READ_BUFFER_BYTES) {
            // A long line made the buffer grow: give the memory back once it is answered.
            const small = new Uint8Array(READ_BUFFER_BYTES);
            small.set(this.#buf.subarray(lineStart, lineStart + this.#used));
            this.#buf = small;
          } else {
            this.#buf.copyWithin(0, lineStart, lineStart + this.#used);
          }
        }
        if (overlong) return "overlong";
      }
    } finally {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = undefined;
    }
  }

  /** Double the read buffer (a line longer than it is still being read). */
  #grow(): void {
    const bigger = new Uint8Array(this.#buf.length * 2);
    bigger.set(this.#buf.subarray(0, this.#used));
    this.#buf = bigger;
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
