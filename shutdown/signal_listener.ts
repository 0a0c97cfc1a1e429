/**
 * The signal listener: MySQL's signal_hand thread (WL#6407) as one object on the main thread.
 *
 * SIGTERM, SIGINT and SIGQUIT become one shutdown request; the SQL `SHUTDOWN` statement,
 * COM_SHUTDOWN and `mariadb-admin shutdown` send the same request through `requestShutdown`.
 * SIGHUP asks for a reload. The main thread `join()`s the listener and then alone runs the
 * cleanup; nothing here tears anything down. A request that arrives while a shutdown is already
 * under way is logged and starts nothing. SIGUSR1/SIGUSR2 get a listener too, because without
 * one Deno starts its inspector on SIGUSR1.
 */

/** Who asked for the shutdown. */
export type ShutdownRequest =
  | { kind: "signal"; signal: Deno.Signal }
  | { kind: "client"; user: string };

/** What the listener tells its owner. */
export interface SignalListenerHooks {
  /** SIGHUP: re-read the option file, reopen logs, flush the thread cache. */
  reload(): void | Promise<void>;
  /** A line for the error log. */
  note(message: string): void;
}

const SHUTDOWN_SIGNALS: readonly Deno.Signal[] = ["SIGTERM", "SIGINT", "SIGQUIT"];
const IGNORED_SIGNALS: readonly Deno.Signal[] = ["SIGUSR1", "SIGUSR2"];

/** How a request is named in the log, e.g. "SIGTERM" or "root". */
export function describeRequest(request: ShutdownRequest): string {
  return request.kind === "signal" ? request.signal : request.user;
}

/** Turns signals and client requests into one shutdown request. */
export class SignalListener {
  #hooks: SignalListenerHooks;
  #installed: [Deno.Signal, () => void][] = [];
  #request: ShutdownRequest | null = null;
  #joined: Promise<ShutdownRequest>;
  #resolve!: (request: ShutdownRequest) => void;
  #reloading = false;

  constructor(hooks: SignalListenerHooks) {
    this.#hooks = hooks;
    this.#joined = new Promise((resolve) => (this.#resolve = resolve));
  }

  /** Install the signal handlers. Call before anything else starts, so a signal during
   * start-up is not lost: it is kept and `join()` returns it once the server is up. */
  start(): void {
    if (this.#installed.length > 0) return;
    for (const signal of SHUTDOWN_SIGNALS) {
      this.#install(signal, () => this.#requestFrom({ kind: "signal", signal }));
    }
    this.#install("SIGHUP", () => void this.#reload());
    for (const signal of IGNORED_SIGNALS) {
      this.#install(signal, () => this.#hooks.note(`Received ${signal}: ignored`));
    }
  }

  #install(signal: Deno.Signal, handler: () => void): void {
    Deno.addSignalListener(signal, handler);
    this.#installed.push([signal, handler]);
  }

  /** A client asked for shutdown (SHUTDOWN, COM_SHUTDOWN) with the SHUTDOWN privilege. */
  requestShutdown(user: string): void {
    this.#requestFrom({ kind: "client", user });
  }

  #requestFrom(request: ShutdownRequest): void {
    if (this.#request !== null) {
      this.#hooks.note(
        `Shutdown request from ${describeRequest(request)} ignored: shutdown already in progress`,
      );
      return;
    }
    this.#request = request;
    this.#resolve(request);
  }

  async #reload(): Promise<void> {
    if (this.#request !== null || this.#reloading) return;
    this.#reloading = true;
    try {
      await this.#hooks.reload();
    } finally {
      this.#reloading = false;
    }
  }

  /** True once a shutdown was requested. */
  get shutdownRequested(): boolean {
    return this.#request !== null;
  }

  /** Resolves with the first shutdown request: the main thread's join of the listener. */
  join(): Promise<ShutdownRequest> {
    return this.#joined;
  }

  /** Remove the handlers (the last step of shutdown). Safe to call twice. */
  stop(): void {
    for (const [signal, handler] of this.#installed) Deno.removeSignalListener(signal, handler);
    this.#installed = [];
  }
}
