/**
 * HandlerSocket on the main thread (the plugin's `hstcpsvr`): a listener per port
 * (handlersocket_port read-only, handlersocket_port_wr read-write), worker threads per port
 * (handlersocket_threads, handlersocket_threads_wr) that are system sessions in the THD
 * registry, and the connections, each served by the least busy worker of its port.
 *
 * Teardown keeps MySQL's invariant that MariaDB broke in MDEV-32484: a worker's session leaves
 * the registry before the worker and its store connection are destroyed, and its client
 * connections are closed first.
 */

import { memoryRegistry, WORKER_THREAD_BYTES } from "../memory/memory_registry.ts";
import { startWorker } from "../memory/js_heap_sampler.ts";
import {
  type MemoryHandle,
  type MemoryThreadBuffers,
  memoryTracker,
} from "../memory/memory_tracker.ts";
import { LineVio } from "../vio/line_vio.ts";
import type { ProcessInfo } from "../sql/types.ts";
import { encodeError } from "../../protocol/handlersocket.ts";
import { SharedChannel, WRITE_DONE } from "../session/shared_channel.ts";
import {
  type FromHsWorker,
  HS_REPLY,
  HS_REPLY_HEADER,
  HsIn,
  type HsStart,
  putU32,
  u32,
  withConn,
} from "./hs_messages.ts";

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

const STOP_WAIT_MS = 2000;
const DONE: Promise<void> = Promise.resolve();
/** What a HandlerSocket connection is counted as in the memory tracker: its line buffers. */
const HS_CONN_BYTES = 2 * 16 * 1024;

/** One worker thread, registered as a system session (PROCESSLIST `Daemon`). */
export class HsWorkerThread {
  readonly id: number;
  readonly system = true;
  readonly writable: boolean;
  readonly worker: Worker;
  readonly startedAt = Date.now();
  conns = 0;
  active = 0;
  requests = 0;
  errors = 0;
  readonly vio = { bytesReceived: 0, bytesSent: 0 };
  readonly #inbound = SharedChannel.create(1 << 20);
  readonly #outbound = SharedChannel.create(1 << 20);
  /** Sends in order: a message split over several frames must not interleave with another. */
  #sending: Promise<void> = DONE;
  /** Sends queued on `#sending` that have not finished. */
  #queued = 0;
  #pending = new Map<number, (data: Uint8Array) => void>();
  #pumping: Promise<void> | null = null;
  #stopped: Promise<void>;
  #onStopped!: () => void;
  #started!: (error: string | null) => void;
  readonly ready: Promise<string | null>;
  #closeHook: (t: HsWorkerThread) => void;
  /** The worker's memory tracker's shared buffers, and the worker itself as an allocation. */
  #memory: MemoryThreadBuffers;
  #memoryHandle: MemoryHandle;

  constructor(id: number, writable: boolean, closeHook: (t: HsWorkerThread) => void) {
    this.id = id;
    this.#memory = memoryRegistry.attachThread(`handlersocket-${id}`, () => this.#inbound.wake());
    this.#memoryHandle = memoryTracker.track(
      "worker_thread",
      this.#memory.name,
      WORKER_THREAD_BYTES,
    );
    this.writable = writable;
    this.#closeHook = closeHook;
    this.#stopped = new Promise((r) => (this.#onStopped = r));
    this.ready = new Promise((r) => (this.#started = r));
    this.worker = startWorker(new URL("./hs_worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (e: MessageEvent<FromHsWorker>) => this.#message(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.#started(String(e.message));
      this.#onStopped();
    };
  }

  /** Start the worker's session over the store; resolves with an error text or null. */
  start(message: Omit<HsStart, "inbound" | "outbound">): Promise<string | null> {
    this.worker.postMessage(
      {
        ...message,
        inbound: this.#inbound.buffer,
        outbound: this.#outbound.buffer,
        memory: this.#memory,
      } satisfies HsStart,
    );
    this.#pumping = this.#pump();
    return this.ready;
  }

  /** Put one message on the inbound ring, after those sent before it: at once when none is
   * waiting for space (the common case costs no promise chain), else queued behind them. */
  send(kind: number, arg: number, body: Uint8Array | null): Promise<void> {
    const ring = this.#inbound;
    let offset = 0;
    if (this.#queued === 0) {
      offset = ring.write(kind, arg, body, 0);
      if (offset === WRITE_DONE || ring.stopped) return DONE;
    }
    // The rest of a message goes before any later one: later sends queue behind it.
    this.#queued++;
    this.#sending = this.#sending.then(async () => {
      try {
        while ((offset = ring.write(kind, arg, body, offset)) !== WRITE_DONE) {
          if (ring.stopped) return;
          await ring.waitForSpaceAsync(50);
        }
      } finally {
        this.#queued--;
      }
    });
    return this.#sending;
  }

  /** Send a batch of lines of connection `conn`; resolves with the answers. */
  request(conn: number, lines: Uint8Array[]): Promise<Uint8Array> {
    // One copy: the connection id, then each line and its LF.
    let length = 4;
    for (const l of lines) length += l.length + 1;
    const body = new Uint8Array(length);
    putU32(body, 0, conn);
    let at = 4;
    for (const l of lines) {
      body.set(l, at);
      body[at + l.length] = 0x0a;
      at += l.length + 1;
    }
    return new Promise((resolve) => {
      this.#pending.set(conn, resolve);
      this.active++;
      void this.send(HsIn.LINES, 0, body);
    });
  }

  /** Read the worker's replies until the ring is stopped. */
  async #pump(): Promise<void> {
    const ring = this.#outbound;
    for (;;) {
      let body: Uint8Array | null;
      while ((body = ring.read()) !== null) {
        if (ring.kind === HS_REPLY) this.#reply(body);
      }
      if (ring.stopped) return;
      const waiting = ring.waitForDataAsync();
      // A stop() between the check above and the wait woke nobody: look once more, now that the
      // wait is registered (a later stop() wakes it).
      if (ring.stopped) return;
      if (waiting) await waiting;
    }
  }

  #reply(body: Uint8Array): void {
    const conn = u32(body, 0);
    this.requests = u32(body, 4);
    this.errors = u32(body, 8);
    this.active--;
    const resolve = this.#pending.get(conn);
    this.#pending.delete(conn);
    resolve?.(body.subarray(HS_REPLY_HEADER));
  }

  #message(m: FromHsWorker): void {
    switch (m.t) {
      case "started":
        return this.#started(null);
      case "failed":
        return this.#started(m.message);
      case "stopped":
        return this.#onStopped();
    }
  }

  /** Ask the worker to close its session and exit; resolves when it did or after a bound. */
  async stop(): Promise<boolean> {
    await this.send(HsIn.STOP, 0, null);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = await Promise.race([
      this.#stopped.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(r, STOP_WAIT_MS, false))),
    ]);
    clearTimeout(timer);
    // Both rings stop: the pump and any wait for space end, the worker's waits too.
    this.#inbound.stop();
    this.#outbound.stop();
    await this.#pumping;
    this.worker.terminate();
    for (const resolve of this.#pending.values()) resolve(encodeError(1, "shutdown"));
    this.#pending.clear();
    this.#releaseMemory(!done);
    return done;
  }

  /** The worker is gone: its tracker's counts join the ended threads' (an `abandoned` one's stay
   * out of the leak check). Safe to call twice. */
  #releaseMemory(abandoned: boolean): void {
    memoryRegistry.detachThread(this.#memory.thread, { abandoned });
    memoryTracker.release(this.#memoryHandle);
  }

  // ---- the THD registry's view -------------------------------------------------------------

  get user(): string {
    return "system user";
  }

  get busy(): boolean {
    return false;
  }

  processInfo(now: number): ProcessInfo {
    return {
      id: this.id,
      user: "system user",
      host: "",
      db: null,
      command: "Daemon",
      timeMs: now - this.startedAt,
      state: `handlersocket: mode=${this.writable ? "wr" : "rd"}, ${this.conns} conns, ${
        this.active > 0 ? 1 : 0
      } active`,
      info: null,
    };
  }

  /** KILL of a HandlerSocket thread ends it like UNINSTALL PLUGIN would for its port. */
  kill(_queryOnly: boolean): void {
    this.#closeHook(this);
  }

  /** Server shutdown: the service closes this thread's connections and ends it. */
  close(): void {
    this.#closeHook(this);
  }

  abandon(): void {
    this.#inbound.stop();
    this.#outbound.stop();
    this.worker.terminate();
    this.#releaseMemory(true);
    this.#onStopped();
  }

  globalChanged(_name: string, _value: string | number): void {}
}

/** A running HandlerSocket service. */
export class HsService {
  readonly #options: HsServiceOptions;
  readonly #threads: HsWorkerThread[] = [];
  readonly #listeners: { listener: Deno.Listener; writable: boolean }[] = [];
  readonly #conns = new Map<number, { vio: LineVio; thread: HsWorkerThread }>();
  readonly #accepting: Promise<void>[] = [];
  readonly #serving = new Set<Promise<void>>();
  #nextConn = 1;
  #closing: Promise<void> | null = null;
  /** Hs_* counters of threads that ended. */
  #ended = { requests: 0, errors: 0, connections: 0 };
  #connections = 0;

  private constructor(options: HsServiceOptions) {
    this.#options = options;
  }

  /** Start the worker threads and listeners of the configured ports. */
  static async start(options: HsServiceOptions): Promise<HsService> {
    const service = new HsService(options);
    try {
      for (
        const [port, writable, count] of [
          [options.port, false, options.threads],
          [options.portWr, true, options.threadsWr],
        ] as const
      ) {
        if (port === null) continue;
        for (let i = 0; i < Math.max(1, count); i++) await service.#startThread(writable);
        const listener = Deno.listen({ hostname: options.address || "0.0.0.0", port });
        service.#listeners.push({ listener, writable });
        service.#accepting.push(service.#acceptLoop(listener, writable));
      }
    } catch (error) {
      await service.close();
      throw error;
    }
    return service;
  }

  async #startThread(writable: boolean): Promise<void> {
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
    });
    if (error !== null) throw new Error(`Cannot start a HandlerSocket thread: ${error}`);
  }

  /** The ports listened on (read-only, read-write), 0 when none. */
  get ports(): { rd: number; wr: number } {
    const port = (writable: boolean) => {
      const l = this.#listeners.find((x) => x.writable === writable)?.listener.addr;
      return l && l.transport === "tcp" ? l.port : 0;
    };
    return { rd: port(false), wr: port(true) };
  }

  /** SHOW STATUS Hs_* counters. */
  status(): [string, number][] {
    let requests = this.#ended.requests;
    let errors = this.#ended.errors;
    for (const t of this.#threads) {
      requests += t.requests;
      errors += t.errors;
    }
    return [
      ["Hs_connections", this.#connections],
      ["Hs_connections_open", this.#conns.size],
      ["Hs_requests", requests],
      ["Hs_request_errors", errors],
      ["Hs_threads", this.#threads.length],
    ];
  }

  async #acceptLoop(listener: Deno.Listener, writable: boolean): Promise<void> {
    try {
      for await (const conn of listener) {
        if (this.#closing) {
          conn.close();
          continue;
        }
        const serving = this.#serve(conn, writable);
        this.#serving.add(serving);
        void serving.finally(() => this.#serving.delete(serving));
      }
    } catch {
      // the listener was closed
    }
  }

  async #serve(conn: Deno.Conn, writable: boolean): Promise<void> {
    const o = this.#options;
    const candidates = this.#threads.filter((t) => t.writable === writable);
    const thread = candidates.reduce((a, b) => (b.conns < a.conns ? b : a));
    const id = this.#nextConn++;
    const vio = new LineVio(conn, {
      maxLine: o.maxLine,
      idleTimeoutMs: o.timeoutSeconds * 1000,
    });
    this.#conns.set(id, { vio, thread });
    const memory = memoryTracker.track(
      "hs_connection",
      `handlersocket-${thread.id}`,
      HS_CONN_BYTES,
    );
    this.#connections++;
    thread.conns++;
    const secret = new TextEncoder().encode(writable ? o.secretWr : o.secret);
    void thread.send(HsIn.OPEN, writable ? 1 : 0, withConn(id, secret));
    try {
      await vio.run((lines) => thread.request(id, lines));
    } finally {
      vio.close();
      void thread.send(HsIn.CLOSE, 0, withConn(id, new Uint8Array(0)));
      thread.conns--;
      this.#conns.delete(id);
      memoryTracker.release(memory);
    }
  }

  /** A thread ends (shutdown, KILL): close its connections, unregister it, then destroy it. */
  async #endThread(thread: HsWorkerThread): Promise<void> {
    const i = this.#threads.indexOf(thread);
    if (i < 0) return;
    this.#threads.splice(i, 1);
    for (const { vio, thread: t } of this.#conns.values()) if (t === thread) vio.close();
    this.#ended.requests += thread.requests;
    this.#ended.errors += thread.errors;
    // Unregistered before destroyed (MDEV-32484).
    this.#options.registry.removeSystem(thread);
    await thread.stop();
  }

  /** Stop accepting on the HandlerSocket ports. */
  async stopListening(): Promise<void> {
    for (const { listener } of this.#listeners) {
      try {
        listener.close();
      } catch {
        // already closed
      }
    }
    await Promise.all(this.#accepting);
  }

  /** Stop listening, close every connection, end every thread. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.stopListening();
      await Promise.all([...this.#threads].map((t) => this.#endThread(t)));
      await Promise.all([...this.#serving]);
    })();
    return this.#closing;
  }
}
