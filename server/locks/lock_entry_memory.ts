/**
 * A session's lock entries in the memory tracker, mod_name `lock_entry` (MySQL counts its MDL
 * tickets as `memory/sql/MDL_context::acquire_locks`): one allocation per metadata lock the
 * session holds (a table's statement, transaction or LOCK TABLES lock) and one per GET_LOCK
 * (a lock taken again counts again, as each needs its own RELEASE_LOCK), released when the
 * lock is. Bytes are the entry's words in the shared lock table. Counted on the thread that
 * runs the session; when a worker dies, the main thread frees its entries in the table
 * (`LockTable.releaseConnection`) and the abandoned worker's counts stay out of the leak check.
 */

import { type MemoryHandle, memoryTracker } from "../memory/memory_tracker.ts";

/** A metadata lock holding: its key and count words. */
const MDL_ENTRY_BYTES = 2 * 4;
/** A user lock entry: hash (two words), connection, owner, recursion count. */
const USER_ENTRY_BYTES = 5 * 4;

/** The tracked lock entries of one `LockOwner`. */
export class LockEntryMemory {
  readonly #ctx: string;
  /** Holding keys (slot * 4 + mode) and their allocations, side by side. Arrays, not a Map: a
   * session holds a few locks, and a statement's take and release then cost no Map churn. */
  #mdlKeys: number[] = [];
  #mdlHandles: MemoryHandle[] = [];
  /** Lower-cased GET_LOCK name → one allocation per acquisition. */
  #user = new Map<string, MemoryHandle[]>();

  constructor(connectionId: number) {
    this.#ctx = `connection ${connectionId}`;
  }

  /** A metadata lock was granted (a holding already counted is not counted twice). */
  mdlTaken(key: number): void {
    if (this.#mdlKeys.includes(key)) return;
    this.#mdlKeys.push(key);
    this.#mdlHandles.push(memoryTracker.track("lock_entry", this.#ctx, MDL_ENTRY_BYTES));
  }

  /** Metadata locks were released. */
  mdlReleased(keys: readonly number[]): void {
    const held = this.#mdlKeys;
    const handles = this.#mdlHandles;
    for (const key of keys) {
      const i = held.indexOf(key);
      if (i < 0) continue;
      memoryTracker.release(handles[i]!);
      // Keep the lists dense: move the last entry into this place.
      held[i] = held[held.length - 1]!;
      handles[i] = handles[handles.length - 1]!;
      held.pop();
      handles.pop();
    }
  }

  /** GET_LOCK(name) succeeded. */
  userTaken(name: string): void {
    const key = name.toLowerCase();
    const handle = memoryTracker.track("lock_entry", this.#ctx, USER_ENTRY_BYTES);
    const held = this.#user.get(key);
    if (held) held.push(handle);
    else this.#user.set(key, [handle]);
  }

  /** RELEASE_LOCK(name) released one acquisition. */
  userReleased(name: string): void {
    const key = name.toLowerCase();
    const held = this.#user.get(key);
    const handle = held?.pop();
    if (handle) memoryTracker.release(handle);
    if (held?.length === 0) this.#user.delete(key);
  }

  /** RELEASE_ALL_LOCKS(): every user lock went. */
  allUserReleased(): void {
    for (const held of this.#user.values()) for (const h of held) memoryTracker.release(h);
    this.#user.clear();
  }

  /** Every metadata and user lock went (session reset, session end). */
  allReleased(): void {
    for (const handle of this.#mdlHandles) memoryTracker.release(handle);
    this.#mdlKeys.length = 0;
    this.#mdlHandles.length = 0;
    this.allUserReleased();
  }
}
