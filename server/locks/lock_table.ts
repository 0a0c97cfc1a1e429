/**
 * The server's lock table: metadata locks (per table), LOCK TABLES and user-level locks, shared
 * by every session worker in one SharedArrayBuffer (`createLockTableBuffer`, made once by the
 * main thread and passed to each worker). A session attaches as an owner (its connection id);
 * everything it holds is recorded in shared memory under that owner, so the main thread can
 * release a dead worker's locks with `releaseConnection`.
 *
 * The uncontended path of a metadata lock is one compare-and-swap to take the mutex, a few
 * loads and stores, and one exchange to drop it: no messages, no waits.
 */

import { LockMemory, O_CONN, O_WAIT_KIND, WaitKind } from "./_layout.ts";
import { holdingKey, releaseLocked, tryAcquireLocked } from "./metadata_locks.ts";
import { deadlineOf, waitForGrant } from "./lock_wait.ts";
import { mdlSlotOf } from "./name_hash.ts";
import {
  getUserLock,
  releaseAllUserLocksLocked,
  releaseUserLock,
  userLockHolder,
} from "./user_locks.ts";
import { NO_SIGNALS, SessionState, type WaitSignals } from "../session/session_signals.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { LockEntryMemory } from "./lock_entry_memory.ts";

export { createLockTableBuffer, MdlMode, type MdlModeValue } from "./_layout.ts";

/** What one lock table view offers: owners attach; the main thread cleans up. */
export class LockTable {
  readonly memory: LockMemory;

  constructor(buffer: SharedArrayBuffer) {
    this.memory = new LockMemory(buffer);
  }

  /** The MDL slot of table `db`.`name`. */
  slotOf(db: string, name: string): number {
    return mdlSlotOf(db, name, this.memory.mdlSlots);
  }

  /** Register session `connectionId` as an owner (1040-like error when the table is full). */
  attach(connectionId: number): LockOwner {
    if (!(connectionId > 0 && connectionId <= 0x7fffffff)) {
      throw new RangeError(`Cannot attach to the lock table: bad connection id ${connectionId}`);
    }
    const m = this.memory;
    m.lock();
    try {
      // A reused connection id (a crashed worker's) starts clean.
      let i = m.findOwner(connectionId);
      if (i >= 0) releaseOwnerLocked(m, i);
      i = m.findOwner(0);
      if (i < 0) {
        throw new MysqlError(ER.ER_CON_COUNT_ERROR, "Too many connections");
      }
      m.a[m.owner(i) + O_CONN] = connectionId;
      return new LockOwner(this, i, connectionId);
    } finally {
      m.unlock();
    }
  }

  /**
   * Release everything connection `connectionId` holds and forget it (the main thread calls
   * this after its worker ended or died; a no-op when the session already detached).
   */
  releaseConnection(connectionId: number): number {
    const m = this.memory;
    m.lock();
    try {
      const i = m.findOwner(connectionId);
      return i < 0 ? 0 : releaseOwnerLocked(m, i);
    } finally {
      m.unlock();
    }
  }
}

/** Release and free owner record `i` (under the mutex); returns the number of locks dropped. */
function releaseOwnerLocked(m: LockMemory, i: number): number {
  const n = releaseLocked(m, i, () => true) + releaseAllUserLocksLocked(m, i);
  m.a[m.owner(i) + O_WAIT_KIND] = WaitKind.NONE;
  m.a[m.owner(i) + O_CONN] = 0;
  m.bump();
  return n;
}

/** One session's handle on the lock table. */
export class LockOwner {
  readonly table: LockTable;
  readonly index: number;
  readonly connectionId: number;
  #detached = false;
  /** The locks this owner holds, in the memory tracker. */
  #memory: LockEntryMemory;

  constructor(table: LockTable, index: number, connectionId: number) {
    this.table = table;
    this.index = index;
    this.connectionId = connectionId;
    this.#memory = new LockEntryMemory(connectionId);
  }

  /**
   * Take metadata lock `mode` on `slot`, waiting up to `timeoutSeconds` (lock_wait_timeout):
   * 1205 on timeout, 1213 when the wait would deadlock; a kill throws from `signals`.
   */
  acquireMdl(
    slot: number,
    mode: number,
    timeoutSeconds: number,
    signals: WaitSignals = NO_SIGNALS,
    state: number = SessionState.WAITING_FOR_METADATA_LOCK,
  ): void {
    const m = this.table.memory;
    // The fast path: the mutex, a few loads and stores, no allocation.
    m.lock();
    let granted: boolean;
    try {
      granted = tryAcquireLocked(m, this.index, slot, mode);
    } finally {
      m.unlock();
    }
    if (granted) {
      this.#memory.mdlTaken(holdingKey(slot, mode));
      return;
    }
    const outcome = waitForGrant(m, this.index, signals, {
      kind: WaitKind.MDL,
      a: slot,
      b: mode,
      deadline: deadlineOf(timeoutSeconds),
      state,
      tryGrant: () => tryAcquireLocked(m, this.index, slot, mode),
    });
    if (outcome === "timeout") {
      throw new MysqlError(
        ER.ER_LOCK_WAIT_TIMEOUT,
        "Lock wait timeout exceeded; try restarting transaction",
      );
    }
    if (outcome === "deadlock") {
      throw new MysqlError(
        ER.ER_LOCK_DEADLOCK,
        "Deadlock found when trying to get lock; try restarting transaction",
      );
    }
    this.#memory.mdlTaken(holdingKey(slot, mode));
  }

  /** Release the metadata locks (slot, mode) listed as holding keys. */
  releaseMdl(keys: readonly number[]): void {
    if (keys.length === 0) return;
    const m = this.table.memory;
    m.lock();
    try {
      const release = keys.length === 1
        ? (k: number) => k === keys[0]
        : (k: number) => keys.includes(k);
      if (releaseLocked(m, this.index, release) > 0) m.bump();
    } finally {
      m.unlock();
    }
    this.#memory.mdlReleased(keys);
  }

  /** The holding key of (slot, mode), as `releaseMdl` takes it. */
  static key(slot: number, mode: number): number {
    return holdingKey(slot, mode);
  }

  /** GET_LOCK(name, timeout): 1, or 0 on timeout (negative timeout: wait for ever). */
  getLock(name: string | null, timeoutSeconds: number, signals: WaitSignals = NO_SIGNALS): number {
    const got = getUserLock(this.table.memory, this, name, timeoutSeconds, signals);
    if (got === 1) this.#memory.userTaken(name!);
    return got;
  }

  /** RELEASE_LOCK(name): 1, 0 (another session's) or null (not held by anyone). */
  releaseLock(name: string | null): number | null {
    const released = releaseUserLock(this.table.memory, this.index, name);
    if (released === 1) this.#memory.userReleased(name!);
    return released;
  }

  /** IS_FREE_LOCK(name): 1 when nobody holds it, else 0. */
  isFreeLock(name: string | null): number {
    return userLockHolder(this.table.memory, name) === null ? 1 : 0;
  }

  /** IS_USED_LOCK(name): the holder's connection id, or null. */
  isUsedLock(name: string | null): number | null {
    return userLockHolder(this.table.memory, name);
  }

  /** RELEASE_ALL_LOCKS(): how many user locks were released (recursion counted). */
  releaseAllLocks(): number {
    const m = this.table.memory;
    m.lock();
    try {
      const n = releaseAllUserLocksLocked(m, this.index);
      if (n > 0) m.bump();
      return n;
    } finally {
      m.unlock();
      this.#memory.allUserReleased();
    }
  }

  /** Release every metadata and user lock (session reset). */
  releaseAll(): void {
    const m = this.table.memory;
    m.lock();
    try {
      const n = releaseLocked(m, this.index, () => true) +
        releaseAllUserLocksLocked(m, this.index);
      if (n > 0) m.bump();
    } finally {
      m.unlock();
      this.#memory.allReleased();
    }
  }

  /** Release everything and give the owner record back (session end). Safe to call twice. */
  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    const m = this.table.memory;
    m.lock();
    try {
      if (m.a[m.owner(this.index) + O_CONN] === this.connectionId) {
        releaseOwnerLocked(m, this.index);
      }
    } finally {
      m.unlock();
      this.#memory.allReleased();
    }
  }
}
