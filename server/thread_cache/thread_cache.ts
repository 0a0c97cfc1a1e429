/**
 * The thread cache: MySQL's Blocked_thread_manager (WL#6407, sql/conn_handler) with Deno
 * Workers as the threads.
 *
 * When a session ends its worker is parked here instead of exiting, up to `thread_cache_size`
 * of them; the next connection takes a parked worker, which is already loaded and has its
 * engine open, instead of starting a new isolate (16–30 ms plus module loading). Past the cache
 * size a released worker exits. Threads_created counts the workers ever started and
 * Threads_cached the parked ones, as SHOW GLOBAL STATUS reports them.
 */

import type { SessionThread } from "../connection/session_thread.ts";

/** Starts a new session thread (the cache does not know how). */
export type ThreadFactory = () => SessionThread;

/** Parked session threads, most recently used first out (its caches are warmest). */
export class ThreadCache {
  #idle: SessionThread[] = [];
  #size: number;
  #created = 0;
  #closed = false;
  #factory: ThreadFactory;

  /** `size` is thread_cache_size. */
  constructor(size: number, factory: ThreadFactory) {
    this.#size = Math.max(0, Math.floor(size));
    this.#factory = factory;
  }

  /** Threads_created: workers started since the server started. */
  get created(): number {
    return this.#created;
  }

  /** Threads_cached: workers parked now. */
  get cached(): number {
    return this.#idle.length;
  }

  /** A thread for a new connection: a parked one when there is one, else a new one. */
  take(): SessionThread {
    for (let thread = this.#idle.pop(); thread; thread = this.#idle.pop()) {
      // A parked worker that died (an error while idle) is not handed out.
      if (!thread.exited) return thread;
    }
    this.#created++;
    return this.#factory();
  }

  /** A session ended on `thread`: park it, or let it exit when the cache is full or closed. */
  release(thread: SessionThread): void {
    thread.attach(null);
    if (this.#closed || thread.exited || this.#idle.length >= this.#size) {
      void thread.exit();
      return;
    }
    this.#idle.push(thread);
  }

  /** SET GLOBAL thread_cache_size: parked workers beyond the new size exit. */
  resize(size: number): void {
    this.#size = Math.max(0, Math.floor(size));
    while (this.#idle.length > this.#size) void this.#idle.shift()!.exit();
  }

  /** Let every parked worker exit (shutdown, SIGHUP's flush); resolves when they did. */
  async flush(): Promise<void> {
    const idle = this.#idle;
    this.#idle = [];
    await Promise.all(idle.map((thread) => thread.exit()));
  }

  /** Flush and park nothing more. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }
}
