/**
 * systemd's readiness protocol for a `Type=notify` service (sd_notify(3)): newline-separated
 * `KEY=value` assignments sent as one datagram each to the Unix datagram socket named by
 * `$NOTIFY_SOCKET`. mydeno sends `READY=1` once it accepts connections, `STOPPING=1` when
 * shutdown begins, and `STATUS=` lines that `systemctl status` shows, as mariadbd does.
 *
 * Deno can send Unix datagrams only through `Deno.listenDatagram({ transport: "unixpacket" })`,
 * which needs `--unstable-net` (deno.json turns it on for every task) and a bound address of its
 * own: the sender binds a socket in a fresh private temporary directory and removes it at
 * close. This is the one socket outside the VIO layer: it is part of how the process is run,
 * not a client connection. Abstract socket names (`@...`) cannot be bound by Deno 2.9.6; then
 * a warning is logged and nothing is sent.
 */

import { resources, type TrackedResource } from "../server/resources/resource_tracker.ts";

const encoder = new TextEncoder();

/** What the notifier logs (it never throws: systemd's socket must not stop the server). */
export interface NotifyLog {
  warning(message: string): void;
}

/** Sends sd_notify messages to `$NOTIFY_SOCKET`, in order. */
export class SystemdNotifier {
  readonly #target: string;
  readonly #dir: string;
  readonly #conn: Deno.DatagramConn;
  readonly #tracked: TrackedResource;
  readonly #log: NotifyLog;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(target: string, dir: string, conn: Deno.DatagramConn, log: NotifyLog) {
    this.#target = target;
    this.#dir = dir;
    this.#conn = conn;
    this.#log = log;
    this.#tracked = resources.acquire("notify socket", target);
  }

  /**
   * A notifier for `$NOTIFY_SOCKET` (or `socketPath`), or null when the server does not run
   * under systemd (the variable is unset) or the socket cannot be used (logged).
   */
  static open(log: NotifyLog, socketPath = Deno.env.get("NOTIFY_SOCKET")): SystemdNotifier | null {
    if (!socketPath) return null;
    if (socketPath.startsWith("@")) {
      log.warning(`Cannot notify systemd: abstract socket ${socketPath} is not supported`);
      return null;
    }
    if (typeof Deno.listenDatagram !== "function") {
      log.warning("Cannot notify systemd: Unix datagrams need Deno's --unstable-net");
      return null;
    }
    const dir = Deno.makeTempDirSync({ prefix: "mydeno-notify-" });
    try {
      const conn = Deno.listenDatagram({ transport: "unixpacket", path: `${dir}/notify.sock` });
      return new SystemdNotifier(socketPath, dir, conn, log);
    } catch (error) {
      Deno.removeSync(dir, { recursive: true });
      log.warning(`Cannot notify systemd at ${socketPath}: ${errorText(error)}`);
      return null;
    }
  }

  /** `READY=1`: the server accepts connections (mariadbd's text as the status). */
  ready(): Promise<void> {
    return this.send(`READY=1\nSTATUS=Taking your SQL requests now...\nMAINPID=${Deno.pid}`);
  }

  /** `STOPPING=1`: shutdown has begun. */
  stopping(who: string): Promise<void> {
    return this.send(`STOPPING=1\nSTATUS=Shutdown in progress (initiated by: ${who})`);
  }

  /** A `STATUS=` line for `systemctl status`. */
  status(text: string): Promise<void> {
    return this.send(`STATUS=${text.replaceAll("\n", " ")}`);
  }

  /** Send one message (newline-separated assignments) after those sent before it. */
  send(message: string): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const bytes = encoder.encode(message);
    this.#queue = this.#queue.then(async () => {
      try {
        await this.#conn.send(bytes, { transport: "unixpacket", path: this.#target });
      } catch (error) {
        this.#log.warning(`Cannot notify systemd at ${this.#target}: ${errorText(error)}`);
      }
    });
    return this.#queue;
  }

  /** Wait for the messages sent so far, then close the socket and remove its directory. Safe to
   * call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
    this.#tracked.release();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
