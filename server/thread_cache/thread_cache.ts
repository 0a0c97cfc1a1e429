/**
 * The thread cache: MySQL's Blocked_thread_manager (WL#6407, sql/conn_handler) with Deno
 * Workers as the threads.
 *
 * When a session ends its worker is parked here instead of exiting, up to `thread_cache_size`
 * of them; the next connection takes a parked worker, which is already loaded and has its
 * engine open, instead of starting a new isolate (16–30 ms plus module loading). Past the cache
 * size a released worker exits. Threads_created counts the workers ever started and
 * Threads_cached the parked ones, as SHOW GLOBAL STATUS reports them.
 *
 * Workers past the cache size leave one at a time, `LEAVE_GAP_MS` apart. Tearing down an
 * isolate costs tens of milliseconds during which the rest of the server runs slowly; when
 * hundreds of clients disconnect together and every surplus worker exited at once, the other
 * sessions' own ends (which take them out of the process list) waited seconds behind the
 * teardowns, and back to back they would slow new connections for as long. A new connection
 * takes a worker that is still waiting to leave before it starts a new one, so the queue never
 * holds more workers than were connected at once. With thread_cache_size = 0 nothing is kept:
 * a released worker exits at once.
 */

import type { SessionThread } from "../connection/session_thread.ts";

/** Pause between two surplus workers' exits. */
const LEAVE_GAP_MS = 100;

/** Starts a new session thread (the cache does not know how). */
export type ThreadFactory = () => SessionThread;

/** Parked session threads, most recently used first out (its caches are warmest). */
export class ThreadCache {
  #idle: SessionThread[] = [];
  /** Released workers past the cache size, waiting for their turn to exit. */
  #leaving: SessionThread[] = [];
  /** The exits in progress (one at a time); null when none. */
  #reaping: Promise<void> | null = null;
  /** The pause between two exits, ended early by `flush()`. */
  #gap: { timer: ReturnType<typeof setTimeout>; resolve: () => void } | null = null;
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
    while (this.#size > 0) {
      const thread = this.#leaving.pop();
      if (!thread) break;
      if (!thread.exited) return thread;
    }
    this.#created++;
    return this.#factory();
  }

  /** A session ended on `thread`: park it, or let it exit when the cache is full or closed. */
  release(thread: SessionThread): void {
    thread.attach(null);
    if (this.#closed || thread.exited || this.#size === 0) {
      // No cache (thread_cache_size = 0, or shutting down): the worker exits now, as a thread
      // of a server without a thread cache does; nothing waits to be reused.
      void thread.exit();
      return;
    }
    if (this.#idle.length >= this.#size) {
      this.#leave(thread);
      return;
    }
    this.#idle.push(thread);
  }

  /** Workers waiting to exit (tests and the shutdown log). */
  get leaving(): number {
    return this.#leaving.length + (this.#reaping ? 1 : 0);
  }

  #leave(thread: SessionThread): void {
    if (thread.exited) return;
    this.#leaving.push(thread);
    this.#reaping ??= this.#reap();
  }

  async #reap(): Promise<void> {
    for (let thread = this.#leaving.shift(); thread; thread = this.#leaving.shift()) {
      await thread.exit();
      if (this.#leaving.length > 0) await this.#pause();
    }
    this.#reaping = null;
  }

  #pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#gap = null;
        resolve();
      }, LEAVE_GAP_MS);
      this.#gap = { timer, resolve };
    });
  }

  /** SET GLOBAL thread_cache_size: parked workers beyond the new size exit. */
  resize(size: number): void {
    this.#size = Math.max(0, Math.floor(size));
    while (this.#idle.length > this.#size) {
      const thread = this.#idle.shift()!;
      if (this.#size === 0) void thread.exit();
      else this.#leave(thread);
    }
  }

  /** Let every parked worker, and every one waiting to leave, exit now (shutdown, SIGHUP's
   * flush); resolves when they did. */
  async flush(): Promise<void> {
    const idle = [...this.#idle, ...this.#leaving];
    this.#idle = [];
    this.#leaving = [];
    if (this.#gap) {
      clearTimeout(this.#gap.timer);
      this.#gap.resolve();
      this.#gap = null;
    }
    await Promise.all([...idle.map((thread) => thread.exit()), this.#reaping]);
  }

  /** Flush and park nothing more. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }
}
