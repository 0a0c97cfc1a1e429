/**
 * The server on the main thread: listens on TCP and the Unix socket, gives each accepted
 * connection an id, a VIO and a session thread, and keeps the registry of live connections.
 * Signals and the process exit are `main.ts`'s business (house rule 2).
 */

import { ClientConnection } from "./connection/client_connection.ts";
import { ConnectionRegistry, type RegisteredThd } from "./connection/connection_registry.ts";
import { resources, type TrackedResource } from "./resources/resource_tracker.ts";
import { SessionThread } from "./connection/session_thread.ts";
import { ThreadCache } from "./thread_cache/thread_cache.ts";
import { encodeErrPacket, PacketFramer } from "./connection/_protocol.ts";
import { ER, MysqlError } from "./errors/mysql_error.ts";
import { logError, logNote, logWarning } from "./log/error_log.ts";
import type { GlobalVariables } from "./session/session_messages.ts";
import { PROGRAM_NAME, SERVER_VERSION } from "./version.ts";
import { Vio } from "./vio/vio.ts";
import { HsService } from "./handlersocket/hs_service.ts";
import { handlerSocketOptions } from "./handlersocket/hs_config.ts";
import {
  alreadyInstalled,
  HS_LIBRARY,
  HS_PLUGIN,
  hsInPluginLoad,
  hsInstalled,
  notInstalled,
  type PluginRow,
  recordInstall,
  recordUninstall,
} from "./handlersocket/hs_plugin.ts";
import { storePathOf } from "./datadir.ts";

/** What the server needs to start. */
export interface ServerStartOptions {
  /** Data directory (already bootstrapped). */
  datadir: string;
  /** TCP address to listen on; "" or null for no TCP listener (skip-networking). */
  bindAddress: string | null;
  /** TCP port (0 picks a free one). */
  port: number;
  /** Unix socket path; "" or null for none. */
  socket: string | null;
  /** Global system variables (max_allowed_packet, connect_timeout, ...), by MySQL name. */
  globals: GlobalVariables;
  /** `--plugin-load(-add)` values: `handlersocket.so` loads HandlerSocket. */
  pluginLoad?: string[];
  /** Check a SET GLOBAL value; throws `MysqlError`. */
  validateGlobal?: (name: string, value: string | number) => string | number;
  /** Debug switch: the first session that ends stays registered (see `--debug-leak-session`). */
  debugLeakSession?: boolean;
}

/** A session shutdown could not end: its id, user, and the worker that did not answer. */
export interface StuckSession {
  id: number;
  user: string;
  /** The session thread's name, or null when the worker already exited (a registry leak). */
  thread: string | null;
}

/** How long `close()` waits for session threads to end their sessions. */
const CLOSE_WAIT_MS = 5000;

/** A running server. Dispose it with `await using` or `close()`. */
export class Server {
  readonly registry: ConnectionRegistry;
  readonly threadCache: ThreadCache;
  #listeners: Deno.Listener[] = [];
  #trackedListeners: TrackedResource[] = [];
  #hsClosing: Promise<void> | null = null;
  /** HandlerSocket, when handlersocket_port or handlersocket_port_wr is set. */
  #hs: HsService | null = null;
  /** True while the handlersocket plugin is loaded (plugin_load_add or INSTALL PLUGIN). */
  #hsLoaded = false;
  #accepting: Promise<void>[] = [];
  #closed = false;
  #socketPath: string | null = null;
  #shutdown: Promise<string>;
  #requestShutdown!: (byUser: string) => void;

  private constructor(options: ServerStartOptions) {
    this.#shutdown = new Promise((resolve) => (this.#requestShutdown = resolve));
    const cacheSize = Number(options.globals.get("thread_cache_size") ?? 9);
    this.threadCache = new ThreadCache(cacheSize, () => new SessionThread());
    const init: ConstructorParameters<typeof ConnectionRegistry>[0] = {
      threadCache: this.threadCache,
      datadir: options.datadir,
      globals: options.globals,
      onShutdownRequest: (byUser) => this.#requestShutdown(byUser),
    };
    if (options.validateGlobal) init.validateGlobal = options.validateGlobal;
    this.registry = new ConnectionRegistry(init);
    this.registry.leakNextSession = options.debugLeakSession === true;
  }

  /** Listen and start accepting; logs `ready for connections` as mariadbd does. */
  static async start(options: ServerStartOptions): Promise<Server> {
    const server = new Server(options);
    try {
      if (options.bindAddress) {
        server.#listen(Deno.listen({ hostname: options.bindAddress, port: options.port }));
      }
      if (options.socket) {
        await removeStaleSocket(options.socket);
        server.#listen(Deno.listen({ transport: "unix", path: options.socket }));
        server.#socketPath = options.socket;
      }
      await server.#startHandlerSocket(options);
    } catch (error) {
      await server.close();
      throw error;
    }
    logNote(
      `${PROGRAM_NAME}: ready for connections.\nVersion: '${SERVER_VERSION}'  socket: '${
        options.socket ?? ""
      }'  port: ${server.port}  ${PROGRAM_NAME}`,
    );
    return server;
  }

  async #startHandlerSocket(options: ServerStartOptions): Promise<void> {
    const storePath = storePathOf(options.datadir);
    this.#hsLoaded = hsInPluginLoad(options.pluginLoad ?? []) || hsInstalled(storePath);
    this.registry.pluginHandler = (op, name, lib) => this.#plugin(op, name, lib, options);
    this.registry.statusProviders.push(() => this.#hs?.status() ?? []);
    if (this.#hsLoaded) await this.#runHandlerSocket(options);
  }

  /** Start HandlerSocket's threads and listeners (none when no port is set, as the original). */
  async #runHandlerSocket(options: ServerStartOptions): Promise<void> {
    const hs = handlerSocketOptions(this.registry.globals);
    logNote("handlersocket: initialized");
    if (hs === null) return;
    this.#hs = await HsService.start({
      ...hs,
      datadir: options.datadir,
      catalogEpoch: this.registry.catalogEpoch,
      globals: this.registry.globals,
      registry: this.registry,
    });
    for (const error of this.#hs.portErrors) logError(`handlersocket: ${error}`);
    const { rd, wr } = this.#hs.ports;
    logNote(`handlersocket: listening on port ${rd || "-"} (read), ${wr || "-"} (write)`);
  }

  /** INSTALL PLUGIN, UNINSTALL PLUGIN, SHOW PLUGINS for the handlersocket plugin. */
  async #plugin(
    op: "install" | "uninstall" | "list",
    name: string,
    library: string,
    options: ServerStartOptions,
  ): Promise<PluginRow[] | void> {
    if (op === "list") {
      return this.#hsLoaded ? [[HS_PLUGIN, "ACTIVE", "DAEMON", HS_LIBRARY, "BSD"]] : [];
    }
    const storePath = storePathOf(options.datadir);
    if (op === "install") {
      if (this.#hsLoaded && name.toLowerCase() === HS_PLUGIN) throw alreadyInstalled(name);
      recordInstall(storePath, name, library);
      this.#hsLoaded = true;
      await this.#runHandlerSocket(options);
      return;
    }
    if (name.toLowerCase() !== HS_PLUGIN || !this.#hsLoaded) throw notInstalled(name);
    recordUninstall(storePath);
    this.#hsLoaded = false;
    const hs = this.#hs;
    this.#hs = null;
    // Its connections close, its threads leave the registry, then they are destroyed.
    await hs?.close();
    logNote("handlersocket: uninstalled");
  }

  /** HandlerSocket's ports (0 when not listening). */
  get handlerSocketPorts(): { rd: number; wr: number } {
    return this.#hs?.ports ?? { rd: 0, wr: 0 };
  }

  /** The TCP port listened on (0 without TCP). */
  get port(): number {
    for (const listener of this.#listeners) {
      if (listener.addr.transport === "tcp") return listener.addr.port;
    }
    return 0;
  }

  /** Resolves with the user name when a session asks for shutdown (SHUTDOWN, COM_SHUTDOWN). */
  get shutdownRequested(): Promise<string> {
    return this.#shutdown;
  }

  #listen(listener: Deno.Listener): void {
    this.#listeners.push(listener);
    const addr = listener.addr;
    const name = addr.transport === "tcp"
      ? `${addr.hostname}:${addr.port}`
      : (addr as Deno.UnixAddr).path;
    this.#trackedListeners.push(resources.acquire("listener", name));
    this.#accepting.push(this.#acceptLoop(listener));
  }

  async #acceptLoop(listener: Deno.Listener): Promise<void> {
    try {
      for await (const conn of listener) this.#accept(conn);
    } catch (error) {
      if (!this.#closed) logWarning(`Cannot accept connections: ${error}`);
    }
  }

  #accept(conn: Deno.Conn): void {
    if (this.#closed) {
      conn.close();
      return;
    }
    if (this.#overConnectionLimit()) {
      void refuseConnection(conn);
      this.registry.countMaxConnectionsError();
      return;
    }
    const maxAllowedPacket = Number(this.registry.globals.get("max_allowed_packet") ?? 67108864);
    const framer = new PacketFramer({ maxPacketSize: maxAllowedPacket });
    const vio = new Vio(conn, framer);
    const id = this.registry.nextConnectionId();
    const connection = new ClientConnection(id, vio, {
      host: this.registry,
      thread: this.threadCache.take(),
      framer,
    });
    this.registry.add(connection);
    connection.start();
  }

  /**
   * max_connections: MySQL accepts one connection more than the limit, kept for an account
   * with SUPER or CONNECTION_ADMIN; beyond that a client gets ER_CON_COUNT_ERROR instead of
   * the greeting (sql/conn_handler/connection_handler_manager.cc).
   */
  #overConnectionLimit(): boolean {
    const max = Number(this.registry.globals.get("max_connections") ?? 151);
    return this.registry.size >= max + 1;
  }

  /** Shutdown step: stop accepting on every listener and remove the Unix socket file. */
  async stopListening(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#listeners) {
      try {
        listener.close();
      } catch {
        // already closed
      }
    }
    await Promise.all(this.#accepting);
    for (const tracked of this.#trackedListeners) tracked.release();
    await this.#hs?.stopListening();
    if (this.#socketPath) await Deno.remove(this.#socketPath).catch(() => {});
  }

  /** Shutdown step: end every session (each sees the server going away) and wait up to
   * `timeoutMs` for the registry to drain; returns the ids still registered after that. */
  async endSessions(timeoutMs: number): Promise<number[]> {
    this.registry.closeAll();
    if (await this.registry.whenEmpty(timeoutMs)) return [];
    return this.registry.thds.list().map((thd) => thd.id);
  }

  /**
   * Shutdown step (sql/mysqld.cc close_connections): every client session is marked killed by
   * shutdown and its waits are woken, so it ends with ERR 1053 (see `ClientConnection.shutdown`);
   * HandlerSocket's system threads are ended by their service.
   */
  killSessions(): void {
    this.#hsClosing ??= this.#hs?.close() ?? null;
    this.registry.thds.forEach((thd) => {
      if (thd instanceof ClientConnection) thd.shutdown();
    });
  }

  /** Shutdown step, after shutdown_timeout: close the sockets of the sessions still
   * registered (their workers roll back and end); returns them. */
  forceCloseSessions(): StuckSession[] {
    return this.registry.thds.list().map((thd) => {
      if (thd instanceof ClientConnection) thd.forceClose();
      else thd.close();
      return describeStuck(thd);
    });
  }

  /** Shutdown step: forget sessions whose threads did not end even without a socket (a thread
   * stuck in synchronous code does not answer; `Worker.terminate()` is tried, see
   * DENO_NOTES); returns them. */
  abandonSessions(): StuckSession[] {
    const left = this.registry.thds.list().map(describeStuck);
    this.registry.abandonAll();
    return left;
  }

  /** Shutdown step: join every session thread, waiting up to `timeoutMs`; returns the names of
   * the threads that did not exit (they are terminated and left to the process exit). */
  async joinThreads(timeoutMs: number): Promise<string[]> {
    await this.threadCache.flush();
    if (this.#hsClosing) await this.#hsClosing;
    const live = SessionThread.live();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(live.map((thread) => thread.exit())),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    const stuck = live.filter((thread) => !thread.exited);
    for (const thread of stuck) thread.terminate();
    return stuck.map((thread) => thread.name);
  }

  /** Stop listening, close every connection, wait for the session threads. Safe twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.stopListening();
    await this.#hs?.close();
    await this.threadCache.close();
    await this.endSessions(CLOSE_WAIT_MS);
    this.abandonSessions();
    // Threads released by the sessions that ended during the wait: the cache is closed, so
    // they exited rather than parked.
    await this.threadCache.flush();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function describeStuck(thd: RegisteredThd): StuckSession {
  const thread = thd instanceof ClientConnection && !thd.thread.exited ? thd.thread.name : null;
  return { id: thd.id, user: thd.user || "unauthenticated user", thread };
}

/** Send ER_CON_COUNT_ERROR as the first packet and close; the client may already be gone. */
async function refuseConnection(conn: Deno.Conn): Promise<void> {
  const err = new MysqlError(ER.ER_CON_COUNT_ERROR, "Too many connections");
  const bytes = encodeErrPacket(err, 0, { protocol41: false });
  const timer = setTimeout(() => conn.close(), 1000);
  try {
    let done = 0;
    while (done < bytes.length) done += await conn.write(bytes.subarray(done));
  } catch {
    // The client went away first: nothing to tell it.
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // closed by the timer
    }
  }
}

/** Remove a Unix socket file left by a server that died, but not one a live server uses
 * (MySQL refuses to start then: "Another process with pid ... is using unix socket file"). */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    await Deno.lstat(path);
  } catch {
    return;
  }
  try {
    const probe = await Deno.connect({ transport: "unix", path });
    probe.close();
    throw new Error(`Cannot listen on unix socket file ${path}: another server is using it`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("Cannot listen")) throw error;
  }
  await Deno.remove(path);
}
