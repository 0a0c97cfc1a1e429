/**
 * A HandlerSocket worker thread as the main thread sees it: a system session in the THD
 * registry (PROCESSLIST `Daemon`, `handlersocket: mode=rd, N conns, M active`) whose counters
 * the worker keeps in shared memory, and the steps that end it: close its listener, close its
 * connections, then (after the service unregistered it) close its session and exit.
 */

import { memoryRegistry, WORKER_THREAD_BYTES } from "../memory/memory_registry.ts";
import { startWorker } from "../memory/js_heap_sampler.ts";
import {
  type MemoryHandle,
  type MemoryThreadBuffers,
  memoryTracker,
} from "../memory/memory_tracker.ts";
import type { ProcessInfo } from "../sql/types.ts";
import { KillValue, SIGNAL_SLOTS, SignalSlot } from "../session/session_signals.ts";
import {
  type FromHsWorker,
  HS_COUNTERS,
  HsCounter,
  type HsStart,
  type ToHsWorker,
} from "./hs_messages.ts";

/** How long each step of a worker's end is waited for. */
const STEP_WAIT_MS = 2000;
/** How long closing the listener is waited for: a worker whose request waits for a table lock
 * reads its messages only after the wait, and shutdown's first step must not wait that long
 * (its next step kills the request, and the listener closes with the worker). */
const UNLISTEN_WAIT_MS = 200;

type Reply = FromHsWorker["t"];

/** One worker thread, registered as a system session. */
export class HsWorkerThread {
  readonly id: number;
  readonly system = true;
  readonly writable: boolean;
  readonly worker: Worker;
  readonly startedAt = Date.now();
  readonly #counterBuffer = new SharedArrayBuffer(HS_COUNTERS * 8);
  readonly #counters = new Float64Array(this.#counterBuffer);
  /** The worker session's control array: KILL ends a statement that waits for a lock. */
  readonly #controlBuffer = new SharedArrayBuffer(SIGNAL_SLOTS * 4);
  readonly vio: { readonly bytesReceived: number; readonly bytesSent: number };
  /** Who waits for which answer of the worker. */
  readonly #waiting = new Map<Reply, ((ok: boolean) => void)[]>();
  #started!: (error: string | null) => void;
  readonly ready: Promise<string | null>;
  #exited = false;
  #closeHook: (t: HsWorkerThread) => void;
  /** The worker's memory tracker's shared buffers, and the worker itself as an allocation. */
  #memory: MemoryThreadBuffers;
  #memoryHandle: MemoryHandle | null;

  constructor(id: number, writable: boolean, closeHook: (t: HsWorkerThread) => void) {
    this.id = id;
    this.writable = writable;
    this.#closeHook = closeHook;
    const counters = this.#counters;
    this.vio = {
      get bytesReceived() {
        return counters[HsCounter.BYTES_RECEIVED]!;
      },
      get bytesSent() {
        return counters[HsCounter.BYTES_SENT]!;
      },
    };
    this.#memory = memoryRegistry.attachThread(
      `handlersocket-${id}`,
      () => this.#post({ t: "wake" }),
    );
    this.#memoryHandle = memoryTracker.track(
      "worker_thread",
      this.#memory.name,
      WORKER_THREAD_BYTES,
    );
    this.ready = new Promise((r) => (this.#started = r));
    this.worker = startWorker(new URL("./hs_worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (e: MessageEvent<FromHsWorker>) => this.#message(e.data);
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.#exit(String(e.message));
    };
  }

  /** Start the worker's session and listener; resolves with an error text or null. */
  start(message: Omit<HsStart, "counters" | "control" | "memory">): Promise<string | null> {
    Atomics.store(new Int32Array(this.#controlBuffer), SignalSlot.ALIVE, 1);
    this.#post({
      ...message,
      counters: this.#counterBuffer,
      control: this.#controlBuffer,
      memory: this.#memory,
    });
    return this.ready;
  }

  #post(message: ToHsWorker): void {
    if (!this.#exited) this.worker.postMessage(message);
  }

  #message(m: FromHsWorker): void {
    if (m.t === "started") return this.#started(null);
    if (m.t === "failed") return this.#exit(m.message);
    if (m.t === "stopped") this.#exited = true;
    const waiters = this.#waiting.get(m.t) ?? [];
    this.#waiting.delete(m.t);
    for (const w of waiters) w(true);
  }

  /** The worker is gone (failed to start, or threw): every wait ends. */
  #exit(error: string): void {
    this.#started(error);
    this.#exited = true;
    for (const waiters of this.#waiting.values()) for (const w of waiters) w(false);
    this.#waiting.clear();
  }

  /** Send `message` and wait for `reply`, at most `waitMs`: whether it came. */
  async #ask(message: ToHsWorker, reply: Reply, waitMs = STEP_WAIT_MS): Promise<boolean> {
    if (this.#exited) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = new Promise<boolean>((resolve) => {
      const list = this.#waiting.get(reply) ?? [];
      list.push(resolve);
      this.#waiting.set(reply, list);
      timer = setTimeout(resolve, waitMs, false);
    });
    this.#post(message);
    const ok = await answered;
    clearTimeout(timer);
    return ok;
  }

  /** Close the listener; the connections stay. */
  unlisten(): Promise<boolean> {
    return this.#ask({ t: "unlisten" }, "unlistened", UNLISTEN_WAIT_MS);
  }

  /** Close the listener and every connection, and wait until they are served out. A statement
   * that waits (for a lock SQL holds) is killed first, or the worker would not see the request
   * until the wait ended: its find answers the kill's error and the round ends. */
  quiesce(): Promise<boolean> {
    const control = new Int32Array(this.#controlBuffer);
    Atomics.store(control, SignalSlot.KILL, KillValue.KILL_CONNECTION);
    Atomics.notify(control, SignalSlot.KILL);
    return this.#ask({ t: "quiesce" }, "quiet");
  }

  /** Close the worker's session and store connection; resolves when the worker exited (true)
   * or was terminated after waiting (false). */
  async stop(): Promise<boolean> {
    const done = await this.#ask({ t: "stop" }, "stopped");
    // A worker that closed itself ends without terminate(), which would block this thread.
    if (!done) this.worker.terminate();
    this.#exited = true;
    this.#releaseMemory(!done);
    return done;
  }

  /** The worker is gone: its tracker's counts join the ended threads' (an `abandoned` one's stay
   * out of the leak check). Safe to call twice. */
  #releaseMemory(abandoned: boolean): void {
    if (this.#memoryHandle === null) return;
    memoryRegistry.detachThread(this.#memory.thread, { abandoned });
    memoryTracker.release(this.#memoryHandle);
    this.#memoryHandle = null;
  }

  // ---- counters ---------------------------------------------------------------------------

  /** Connections open now. */
  get conns(): number {
    return this.#counters[HsCounter.CONNS]!;
  }

  /** Connections being answered now. */
  get active(): number {
    return this.#counters[HsCounter.ACTIVE]!;
  }

  /** Connections accepted so far. */
  get accepted(): number {
    return this.#counters[HsCounter.ACCEPTED]!;
  }

  get requests(): number {
    return this.#counters[HsCounter.REQUESTS]!;
  }

  get errors(): number {
    return this.#counters[HsCounter.ERRORS]!;
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
    this.worker.terminate();
    this.#exit("abandoned");
    this.#releaseMemory(true);
  }

  globalChanged(_name: string, _value: string | number): void {}
}
