/**
 * A session thread: one Deno Worker that serves one client session at a time, like a MySQL
 * THD's OS thread. It is reusable: after `ended` it can be given another connection (the
 * thread cache of the next issue keeps idle ones).
 */

import type { FromWorker, ToWorker } from "../session/session_messages.ts";

/** Receives the messages of the session a thread serves. */
export interface SessionThreadOwner {
  onWorkerMessage(message: FromWorker): void;
  /** The worker died (an uncaught exception); the session is lost. */
  onWorkerError(message: string): void;
}

const WORKER_URL = new URL("../session/session_worker.ts", import.meta.url);

/** A Worker running `server/session/session_worker.ts`. */
export class SessionThread {
  #worker: Worker;
  #owner: SessionThreadOwner | null = null;
  #exited = false;
  #exitWaiters: (() => void)[] = [];

  constructor() {
    this.#worker = new Worker(WORKER_URL, { type: "module", name: "session" });
    this.#worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.t === "exited") {
        this.#finishExit();
        return;
      }
      this.#owner?.onWorkerMessage(message);
    };
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#owner?.onWorkerError(event.message);
      this.#finishExit();
    };
  }

  /** True once the worker exited or died. */
  get exited(): boolean {
    return this.#exited;
  }

  /** Route this thread's messages to `owner` (null while idle). */
  attach(owner: SessionThreadOwner | null): void {
    this.#owner = owner;
  }

  /** Send a message; `transfer` lists buffers handed over without a copy. */
  post(message: ToWorker, transfer?: Transferable[]): void {
    if (this.#exited) return;
    if (transfer) this.#worker.postMessage(message, transfer);
    else this.#worker.postMessage(message);
  }

  /** Ask the worker to close its engine and exit; resolves when it did. Safe to call twice. */
  exit(): Promise<void> {
    if (this.#exited) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#exitWaiters.push(resolve));
    if (this.#exitWaiters.length === 1) this.#worker.postMessage({ t: "exit" } satisfies ToWorker);
    return done;
  }

  /** Stop the worker without waiting (last resort: it does not stop synchronous code). */
  terminate(): void {
    this.#finishExit();
  }

  #finishExit(): void {
    if (!this.#exited) {
      this.#exited = true;
      this.#worker.terminate();
    }
    const waiters = this.#exitWaiters;
    this.#exitWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
