/**
 * The Global THD manager: the registry of every session of the server, client connections and
 * system threads alike (MySQL WL#6407, sql/mysqld_thd_manager.cc).
 *
 * It owns no session; it only knows them. The one invariant that matters at shutdown (and that
 * MariaDB broke in MDEV-32484) is that a session leaves the registry before whatever it holds
 * is destroyed; `remove` is therefore the last thing a session's owner does with it, and each
 * removal wakes whoever waits for the registry to drain.
 */

/** What the manager needs to know of a session (a THD). */
export interface Thd {
  /** Connection id: the handshake thread id and CONNECTION_ID(); unique while registered. */
  readonly id: number;
  /** True for a system thread (HandlerSocket workers, ...): PROCESSLIST shows it as Daemon. */
  readonly system?: boolean;
}

/** The registry of live sessions, by id. */
export class ThdManager<T extends Thd = Thd> {
  #thds = new Map<number, T>();
  #nextId = 1;
  #drainWaiters: (() => void)[] = [];
  #maxUsed = 0;

  /** A new thread id: monotonic from 1, never reused while the server runs. */
  nextThreadId(): number {
    return this.#nextId++;
  }

  /** Register a session. Registering an id twice is a bug and throws. */
  add(thd: T): void {
    if (this.#thds.has(thd.id)) {
      throw new Error(`Cannot register session ${thd.id}: the id is already registered`);
    }
    this.#thds.set(thd.id, thd);
    const clients = this.clientCount;
    if (clients > this.#maxUsed) this.#maxUsed = clients;
  }

  /** Unregister a session (returns false when it was not registered) and wake drain waiters
   * once the registry is empty. */
  remove(thd: T): boolean {
    if (this.#thds.get(thd.id) !== thd) return false;
    this.#thds.delete(thd.id);
    if (this.#thds.size === 0) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const wake of waiters) wake();
    }
    return true;
  }

  /** The session with this id, if registered. */
  find(id: number): T | undefined {
    return this.#thds.get(id);
  }

  /** Call `fn` for each registered session (a snapshot: `fn` may add or remove). */
  forEach(fn: (thd: T) => void): void {
    for (const thd of [...this.#thds.values()]) fn(thd);
  }

  /** Every registered session, in id order. */
  list(): T[] {
    return [...this.#thds.values()].sort((a, b) => a.id - b.id);
  }

  /** Registered sessions, system threads included. */
  get size(): number {
    return this.#thds.size;
  }

  /** Registered client sessions (Threads_connected). */
  get clientCount(): number {
    let n = 0;
    for (const thd of this.#thds.values()) if (!thd.system) n++;
    return n;
  }

  /** The most client sessions registered at once (Max_used_connections). */
  get maxUsed(): number {
    return this.#maxUsed;
  }

  /** Resolves once the registry is empty (shutdown waits for it), or after `timeoutMs`, with
   * whether it drained. */
  waitForEmpty(timeoutMs: number): Promise<boolean> {
    if (this.#thds.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#drainWaiters = this.#drainWaiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#drainWaiters.push(wake);
    });
  }
}
