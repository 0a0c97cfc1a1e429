/**
 * The live connections of the server, on the main thread: connection ids, the global status
 * counters, the global variables, and the server-wide operations sessions ask for through
 * `ServerLink` (process list, KILL, SHOW GLOBAL STATUS, SET GLOBAL, SHUTDOWN).
 *
 * This is the minimal form of MySQL's Global THD manager (sql/mysqld_thd_manager.cc); the full
 * manager takes its place in the next issue.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { GlobalVariables } from "../session/session_messages.ts";
import type { ProcessInfo } from "../sql/types.ts";
import { ThdManager } from "../thd/thd_manager.ts";
import {
  STATUS_COUNTER_NAMES,
  type StatusCounters,
  statusEntries,
} from "../thd/status_counters.ts";
import type { ThreadCache } from "../thread_cache/thread_cache.ts";
import { createLockTableBuffer, LockTable } from "../locks/mod.ts";
import { resources, type TrackedResource } from "../resources/resource_tracker.ts";
import { type MemoryHandle, memoryTracker } from "../memory/memory_tracker.ts";
import { memoryRegistry, SESSION_BYTES } from "../memory/memory_registry.ts";
import type { ClientConnection, ConnectionHost } from "./client_connection.ts";
import type { SessionThread } from "./session_thread.ts";

/** Options of `ConnectionRegistry`. */
export interface ConnectionRegistryOptions {
  /** Data directory the session workers open the store in. */
  datadir: string;
  /** Global system variables at start-up (by MySQL name). */
  globals: GlobalVariables;
  /** Called on SHUTDOWN / COM_SHUTDOWN. */
  onShutdownRequest: (byUser: string) => void;
  /** Parked session threads (Threads_created, Threads_cached, thread_cache_size). */
  threadCache: ThreadCache;
  /** Check and normalise a SET GLOBAL value; throws `MysqlError`. Stores as given when absent. */
  validateGlobal?: (name: string, value: string | number) => string | number;
}

/** Global status counters kept here (SHOW GLOBAL STATUS names). */
interface Counters {
  Connections: number;
  Aborted_clients: number;
  Aborted_connects: number;
  Connection_errors_max_connections: number;
}

/** What the registry needs of a registered session: a client connection or a system thread
 * (a HandlerSocket worker). */
export type RegisteredThd =
  & Pick<
    ClientConnection,
    "id" | "processInfo" | "kill" | "close" | "abandon" | "busy" | "user" | "globalChanged"
  >
  & {
    readonly system?: boolean;
    readonly vio: { readonly bytesReceived: number; readonly bytesSent: number };
    /** The session's Questions / Com_* counters (client connections keep them). */
    readonly status?: StatusCounters;
  };

/** The live connections and server-wide state. */
export class ConnectionRegistry implements ConnectionHost {
  readonly datadir: string;
  readonly globals: GlobalVariables;
  readonly startedAt = Date.now();
  readonly catalogEpoch = new SharedArrayBuffer(4);
  /** Metadata, LOCK TABLES and user locks of every session (server/locks). */
  readonly lockTable: SharedArrayBuffer;
  #locks: LockTable;

  /** The Global THD manager: every live session. */
  readonly thds = new ThdManager<RegisteredThd>();
  #counters: Counters = {
    Connections: 0,
    Aborted_clients: 0,
    Aborted_connects: 0,
    Connection_errors_max_connections: 0,
  };
  /** INSTALL / UNINSTALL PLUGIN and SHOW PLUGINS (set by the server). */
  pluginHandler:
    | ((op: "install" | "uninstall" | "list", name: string, lib: string) => Promise<unknown>)
    | null = null;
  /** More SHOW GLOBAL STATUS counters (HandlerSocket's Hs_*). */
  readonly statusProviders: (() => Iterable<[string, number]>)[] = [];
  #bytesReceived = 0;
  #bytesSent = 0;
  /** Status counters (Questions, Com_*) of the sessions that ended. */
  #endedStatus = new Float64Array(STATUS_COUNTER_NAMES.length);
  #options: ConnectionRegistryOptions;
  /** Each registered session as a tracked resource: a leak is reported where it was accepted. */
  #tracked = new Map<number, TrackedResource>();
  /** Each registered session in the memory tracker (mod_name "session"). */
  #memory = new Map<number, MemoryHandle>();
  /**
   * Debug switch `--debug-leak-session`: the next session that ends stays registered, the
   * MDEV-32484 bug made on purpose, so a test can see the shutdown check catch it.
   */
  leakNextSession = false;
  #leaked = new Set<number>();

  constructor(options: ConnectionRegistryOptions) {
    this.datadir = options.datadir;
    this.globals = new Map(options.globals);
    // One owner record per session: room for max_connections (+1 for SUPER) and then some.
    const owners = Math.max(1024, Number(options.globals.get("max_connections") ?? 151) + 64);
    this.lockTable = createLockTableBuffer({ owners });
    this.#locks = new LockTable(this.lockTable);
    this.#options = options;
    memoryRegistry.configure(this.globals);
  }

  /** The next connection id: monotonic from 1, the handshake thread id and CONNECTION_ID(). */
  nextConnectionId(): number {
    return this.thds.nextThreadId();
  }

  /** Register a new connection. */
  add(connection: ClientConnection): void {
    this.thds.add(connection);
    this.#tracked.set(connection.id, resources.acquire("session", `connection ${connection.id}`));
    this.#memory.set(
      connection.id,
      memoryTracker.track("session", `connection ${connection.id}`, SESSION_BYTES),
    );
    this.#counters.Connections++;
  }

  /** Register a system thread (shown as Daemon; not counted in Threads_connected). */
  addSystem(thd: RegisteredThd): void {
    this.thds.add(thd);
    this.#tracked.set(thd.id, resources.acquire("session", `system thread ${thd.id}`));
    this.#memory.set(
      thd.id,
      memoryTracker.track("session", `system thread ${thd.id}`, SESSION_BYTES),
    );
  }

  /** Unregister a system thread, before whatever it holds is destroyed. */
  removeSystem(thd: RegisteredThd): void {
    if (this.thds.remove(thd)) this.#untrack(thd.id);
  }

  #untrack(id: number): void {
    this.#tracked.get(id)?.release();
    this.#tracked.delete(id);
    const memory = this.#memory.get(id);
    if (memory) memoryTracker.release(memory);
    this.#memory.delete(id);
  }

  /** Number of live client connections (Threads_connected). */
  get size(): number {
    return this.thds.clientCount;
  }

  releaseThread(thread: SessionThread): void {
    this.#options.threadCache.release(thread);
  }

  /** A client was refused with ER_CON_COUNT_ERROR. */
  countMaxConnectionsError(): void {
    this.#counters.Connection_errors_max_connections++;
  }

  release(connection: ClientConnection, aborted: "connect" | "client" | null): void {
    if (this.thds.find(connection.id) !== connection || this.#leaked.has(connection.id)) return;
    if (this.leakNextSession) {
      this.leakNextSession = false;
      this.#leaked.add(connection.id);
      return;
    }
    this.#bytesReceived += connection.vio.bytesReceived;
    this.#bytesSent += connection.vio.bytesSent;
    connection.status.addTo(this.#endedStatus);
    // The worker released them when its session ended; a worker that died did not.
    this.#locks.releaseConnection(connection.id);
    if (aborted === "connect") this.#counters.Aborted_connects++;
    if (aborted === "client") this.#counters.Aborted_clients++;
    this.#untrack(connection.id);
    // Last: leaving the registry may wake a shutdown waiting for it to drain.
    this.thds.remove(connection);
  }

  /** Resolves once no session is left, or after `timeoutMs`, with whether it drained. */
  whenEmpty(timeoutMs: number): Promise<boolean> {
    return this.thds.waitForEmpty(timeoutMs);
  }

  /** Close every connection (server stop). */
  closeAll(): void {
    this.thds.forEach((connection) => connection.close());
  }

  /** Drop the connections whose threads did not end: terminate them without waiting. */
  abandonAll(): void {
    this.thds.forEach((connection) => connection.abandon());
  }

  serveRpc(from: ClientConnection, op: string, args: unknown[]): Promise<unknown> {
    switch (op) {
      case "processList":
        return Promise.resolve(this.processList());
      case "kill": {
        const [id, options] = args as [
          number,
          { queryOnly: boolean; byUser: string; canKillAny: boolean },
        ];
        this.kill(id, options);
        return Promise.resolve(undefined);
      }
      case "globalStatus":
        return Promise.resolve(
          args[0] === "session" ? this.sessionStatus(from) : this.globalStatus(),
        );
      case "setGlobalVariable": {
        const [name, value] = args as [string, string | number];
        this.setGlobalVariable(name, value);
        return Promise.resolve(undefined);
      }
      case "plugins":
        if (!this.pluginHandler) return Promise.resolve([]);
        return this.pluginHandler(
          args[0] as "install" | "uninstall" | "list",
          String(args[1]),
          String(args[2]),
        );
      case "memoryRows":
        return memoryRegistry.rows((args[0] ?? {}) as { heapSamples?: boolean });
      case "requestShutdown":
        this.#options.onShutdownRequest(String(args[0] ?? from.user));
        return Promise.resolve(undefined);
    }
    return Promise.reject(
      new MysqlError(ER.ER_UNKNOWN_COM_ERROR, `Unknown server operation ${op}`),
    );
  }

  /** Rows of SHOW PROCESSLIST, by connection id. */
  processList(): ProcessInfo[] {
    const now = Date.now();
    return this.thds.list().map((c) => c.processInfo(now));
  }

  /** KILL [QUERY] id (sql/sql_parse.cc `kill_one_thread`). */
  kill(id: number, options: { queryOnly: boolean; byUser: string; canKillAny: boolean }): void {
    const victim = this.thds.find(id);
    if (!victim) throw new MysqlError(ER.ER_NO_SUCH_THREAD, `Unknown thread id: ${id}`);
    if (!options.canKillAny && victim.user !== options.byUser) {
      throw new MysqlError(ER.ER_KILL_DENIED_ERROR, `You are not owner of thread ${id}`);
    }
    victim.kill(options.queryOnly);
  }

  /** SHOW GLOBAL STATUS counters kept on the main thread. */
  globalStatus(): Map<string, string | number> {
    let received = this.#bytesReceived;
    let sent = this.#bytesSent;
    let running = 0;
    this.thds.forEach((c) => {
      if (c.busy) running++;
      received += c.vio.bytesReceived;
      sent += c.vio.bytesSent;
    });
    const status = new Map<string, string | number>([
      ["Uptime", Math.floor((Date.now() - this.startedAt) / 1000)],
      ["Threads_connected", this.thds.clientCount],
      ["Max_used_connections", this.thds.maxUsed],
      ["Threads_running", running],
      ["Threads_created", this.#options.threadCache.created],
      ["Threads_cached", this.#options.threadCache.cached],
      ["Bytes_received", received],
      ["Bytes_sent", sent],
    ]);
    for (const [name, value] of Object.entries(this.#counters)) status.set(name, value);
    const sums = this.#endedStatus.slice();
    this.thds.forEach((c) => c.status?.addTo(sums));
    for (const [name, value] of statusEntries(sums)) status.set(name, value);
    for (const provider of this.statusProviders) {
      for (const [name, value] of provider()) status.set(name, value);
    }
    return status;
  }

  /** SHOW SESSION STATUS: the global values, with the session's own counters and bytes in
   * place of the global ones (as MySQL shows the global-only counters in session scope). */
  sessionStatus(connection: ClientConnection): Map<string, string | number> {
    const status = this.globalStatus();
    status.set("Bytes_received", connection.vio.bytesReceived);
    status.set("Bytes_sent", connection.vio.bytesSent);
    for (const [name, value] of statusEntries(connection.status.values)) status.set(name, value);
    return status;
  }

  /** SET GLOBAL: validate, store, and tell every session thread. */
  setGlobalVariable(name: string, value: string | number): void {
    const key = name.toLowerCase();
    const checked = this.#options.validateGlobal ? this.#options.validateGlobal(key, value) : value;
    memoryRegistry.setVariable(key, { raw: value, checked, globals: this.globals });
    this.globals.set(key, checked);
    if (key === "thread_cache_size") this.#options.threadCache.resize(Number(checked));
    this.thds.forEach((connection) => connection.globalChanged(key, checked));
  }
}
