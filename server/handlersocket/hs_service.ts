/**
 * HandlerSocket on the main thread (the plugin's `hstcpsvr`): worker threads per port
 * (handlersocket_threads on handlersocket_port, read-only; handlersocket_threads_wr on
 * handlersocket_port_wr, read-write) that are system sessions in the THD registry. Each worker
 * listens on its port itself (SO_REUSEPORT) and serves the connections the kernel gives it
 * (hs_worker.ts); this side checks the ports, starts and ends the workers and sums their
 * counters.
 *
 * Teardown keeps MySQL's invariant that MariaDB broke in MDEV-32484: a worker's session leaves
 * the registry before the worker and its store connection are destroyed, and its client
 * connections are closed first.
 */

import { HsWorkerThread } from "./hs_thread.ts";

/** The registry calls a HandlerSocket thread gets (the THD manager's view of it). */
export interface HsRegistry {
  nextConnectionId(): number;
  addSystem(thd: HsWorkerThread): void;
  removeSystem(thd: HsWorkerThread): void;
  /** The server's lock table, shared with every session. */
  readonly lockTable?: SharedArrayBuffer;
}

/** Settings of one start (handlersocket_* variables). */
export interface HsServiceOptions {
  datadir: string;
  catalogEpoch: SharedArrayBuffer;
  globals: ReadonlyMap<string, string | number>;
  registry: HsRegistry;
  address: string;
  /** null: no read-only listener. */
  port: number | null;
  /** null: no read-write listener. */
  portWr: number | null;
  threads: number;
  threadsWr: number;
  secret: string;
  secretWr: string;
  /** Idle seconds before a connection is closed (handlersocket_timeout). */
  timeoutSeconds: number;
  /** Longest request line in bytes. */
  maxLine: number;
}

/** A running HandlerSocket service. */
export class HsService {
  readonly #options: HsServiceOptions;
  readonly #threads: HsWorkerThread[] = [];
  /** Threads being ended (KILL, UNINSTALL, shutdown): out of Hs_threads, still in the totals
   * until their counts join `#ended`, so Hs_connections and Hs_requests never go down. */
  readonly #ending = new Set<HsWorkerThread>();
  readonly #ports = { rd: 0, wr: 0 };
  #closing: Promise<void> | null = null;
  readonly #portErrors: string[] = [];
  /** Hs_* counters of threads that ended. */
  #ended = { requests: 0, errors: 0, connections: 0 };

  private constructor(options: HsServiceOptions) {
    this.#options = options;
  }

  /** Start the worker threads of the configured ports, each listening on its port. */
  static async start(options: HsServiceOptions): Promise<HsService> {
    const service = new HsService(options);
    const hostname = options.address || "0.0.0.0";
    try {
      for (
        const [port, writable, count] of [
          [options.port, false, options.threads],
          [options.portWr, true, options.threadsWr],
        ] as const
      ) {
        if (port === null) continue;
        let bound: number;
        try {
          bound = probePort(hostname, port);
        } catch (error) {
          // As MariaDB's plugin, a port that cannot be bound leaves the server up without it.
          const mode = writable ? "write" : "read";
          service.#portErrors.push(`cannot listen on port ${port} (${mode}): ${error}`);
          continue;
        }
        service.#ports[writable ? "wr" : "rd"] = bound;
        for (let i = 0; i < Math.max(1, count); i++) {
          await service.#startThread(writable, hostname, bound);
        }
      }
    } catch (error) {
      await service.close();
      throw error;
    }
    return service;
  }

  async #startThread(writable: boolean, hostname: string, port: number): Promise<void> {
    const o = this.#options;
    const thread = new HsWorkerThread(
      o.registry.nextConnectionId(),
      writable,
      (t) => void this.#endThread(t),
    );
    this.#threads.push(thread);
    o.registry.addSystem(thread);
    const error = await thread.start({
      t: "start",
      datadir: o.datadir,
      catalogEpoch: o.catalogEpoch,
      lockTable: o.registry.lockTable ?? null,
      threadId: thread.id,
      globals: [...o.globals],
      listen: {
        hostname,
        port,
        writable,
        secret: writable ? o.secretWr : o.secret,
        idleTimeoutMs: o.timeoutSeconds * 1000,
        maxLine: o.maxLine,
      },
    });
    if (error !== null) throw new Error(`Cannot start a HandlerSocket thread: ${error}`);
  }

  /** The ports listened on (read-only, read-write), 0 when none. */
  get ports(): { rd: number; wr: number } {
    return { ...this.#ports };
  }

  /** Why a configured port has no listener (it could not be bound), one line each. */
  get portErrors(): readonly string[] {
    return this.#portErrors;
  }

  /** SHOW STATUS Hs_* counters. */
  status(): [string, number][] {
    let { requests, errors, connections } = this.#ended;
    let open = 0;
    for (const t of [...this.#threads, ...this.#ending]) {
      requests += t.requests;
      errors += t.errors;
      connections += t.accepted;
      open += t.conns;
    }
    return [
      ["Hs_connections", connections],
      ["Hs_connections_open", open],
      ["Hs_requests", requests],
      ["Hs_request_errors", errors],
      ["Hs_threads", this.#threads.length],
    ];
  }

  /** A thread ends (shutdown, KILL): close its connections, unregister it, then destroy it. */
  async #endThread(thread: HsWorkerThread): Promise<void> {
    const i = this.#threads.indexOf(thread);
    if (i < 0) return;
    this.#threads.splice(i, 1);
    this.#ending.add(thread);
    await thread.quiesce();
    this.#ending.delete(thread);
    this.#ended.requests += thread.requests;
    this.#ended.errors += thread.errors;
    this.#ended.connections += thread.accepted;
    // Unregistered before destroyed (MDEV-32484).
    this.#options.registry.removeSystem(thread);
    await thread.stop();
  }

  /** Stop accepting on the HandlerSocket ports (open connections stay). */
  async stopListening(): Promise<void> {
    await Promise.all(this.#threads.map((t) => t.unlisten()));
  }

  /** Stop listening, close every connection, end every thread. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.stopListening();
      await Promise.all([...this.#threads].map((t) => this.#endThread(t)));
    })();
    return this.#closing;
  }
}

/**
 * Check that `port` is free and learn the port 0 stands for: bind it without SO_REUSEPORT and
 * let go. The workers then bind it with SO_REUSEPORT; a second server on the same port fails
 * here with EADDRINUSE instead of sharing the port (a socket without SO_REUSEPORT cannot join
 * ours, nor ours its).
 */
function probePort(hostname: string, port: number): number {
  const probe = Deno.listen({ hostname, port });
  const addr = probe.addr as Deno.NetAddr;
  probe.close();
  return addr.port;
}
