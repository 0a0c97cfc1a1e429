/**
 * A session's metadata locks and LOCK TABLES state over its `LockOwner` (MySQL's MDL_context
 * plus LOCK TABLES mode): each lock is held for a duration — the statement, the transaction
 * (until COMMIT / ROLLBACK / an implicit commit) or LOCK TABLES (until UNLOCK TABLES) — and a
 * lock already held in a covering mode costs nothing, so the statements of one transaction
 * touch shared memory only for tables they have not used yet.
 */

import { LockOwner, MdlMode } from "./lock_table.ts";
import { NO_SIGNALS, SessionState, type WaitSignals } from "../session/session_signals.ts";
import { MysqlError } from "../errors/mysql_error.ts";

/** How long a metadata lock is held. */
export const Duration = { STATEMENT: 0, TRANSACTION: 1, LOCKED: 2 } as const;

/** A table to lock, with its mode. */
export interface TableLockRequest {
  db: string;
  name: string;
  mode: number;
  /** The table's MDL slot, filled in on first use (plans keep their requests). */
  slot?: number;
}

/** MySQL's ER_TABLE_NOT_LOCKED. */
export const ER_TABLE_NOT_LOCKED = 1100;
/** MySQL's ER_TABLE_NOT_LOCKED_FOR_WRITE. */
export const ER_TABLE_NOT_LOCKED_FOR_WRITE = 1099;

/** Modes that satisfy a request of each mode (X covers everything; SW and SNR cover S). */
const COVERED_BY: readonly (readonly number[])[] = [
  [MdlMode.S, MdlMode.SW, MdlMode.SNR, MdlMode.X],
  [MdlMode.SW, MdlMode.X],
  [MdlMode.SNR, MdlMode.X],
  [MdlMode.X],
];

/** One session's locks. */
export class SessionLocks {
  readonly owner: LockOwner;
  signals: WaitSignals = NO_SIGNALS;
  /** Holding key → duration. */
  #held = new Map<number, number>();
  /** LOCK TABLES: "db\0name" (lower case) → write; null when not under LOCK TABLES. */
  #locked: Map<string, boolean> | null = null;

  constructor(owner: LockOwner) {
    this.owner = owner;
  }

  /** True under LOCK TABLES. */
  get lockedTables(): boolean {
    return this.#locked !== null;
  }

  /**
   * Under LOCK TABLES: 1100 for a table not locked, 1099 for a write to a READ-locked one
   * (MySQL 8.0 reference 15.3.6 "LOCK TABLES and UNLOCK TABLES Statements").
   */
  checkLocked(db: string, name: string, write: boolean): void {
    const w = this.#locked?.get(`${db}\0${name}`.toLowerCase());
    if (w === undefined) {
      throw new MysqlError(ER_TABLE_NOT_LOCKED, `Table '${name}' was not locked with LOCK TABLES`);
    }
    if (write && !w) {
      throw new MysqlError(
        ER_TABLE_NOT_LOCKED_FOR_WRITE,
        `Table '${name}' was locked with a READ lock and can't be updated`,
      );
    }
  }

  /** Take statement-duration locks on `tables` (1205 after `timeoutSeconds`, 1213, kills). */
  acquire(tables: readonly TableLockRequest[], timeoutSeconds: number): void {
    // The common case, one table, needs no sorting.
    const list = tables.length === 1 ? withSlots(this.owner, tables) : sorted(this.owner, tables);
    for (const t of list) {
      this.#take(t.slot!, t.mode, Duration.STATEMENT, timeoutSeconds, this.#stateFor(false));
    }
  }

  #stateFor(lockTables: boolean): number {
    return lockTables
      ? SessionState.WAITING_FOR_TABLE_LEVEL_LOCK
      : SessionState.WAITING_FOR_METADATA_LOCK;
  }

  #take(slot: number, mode: number, duration: number, timeout: number, state: number): void {
    for (const covering of COVERED_BY[mode]!) {
      const key = LockOwner.key(slot, covering);
      const d = this.#held.get(key);
      if (d !== undefined) {
        if (d < duration) this.#held.set(key, duration);
        return;
      }
    }
    this.owner.acquireMdl(slot, mode, timeout, this.signals, state);
    this.#held.set(LockOwner.key(slot, mode), duration);
  }

  /** End of a statement: its locks become the transaction's, or go when none is open. */
  endStatement(inTransaction: boolean): void {
    if (this.#held.size === 0) return;
    if (inTransaction) {
      for (const [k, d] of this.#held) {
        if (d === Duration.STATEMENT) this.#held.set(k, Duration.TRANSACTION);
      }
      return;
    }
    if (this.#locked === null) {
      // Nothing outlives the statement: drop the lot in one pass.
      const keys = [...this.#held.keys()];
      this.#held.clear();
      this.owner.releaseMdl(keys);
      return;
    }
    this.#release(Duration.TRANSACTION);
  }

  /** The transaction ended: release its locks (the running statement keeps its own). */
  endTransaction(): void {
    const keys: number[] = [];
    for (const [k, d] of this.#held) if (d === Duration.TRANSACTION) keys.push(k);
    for (const k of keys) this.#held.delete(k);
    this.owner.releaseMdl(keys);
  }

  /** Release every lock of duration `upTo` or shorter. */
  #release(upTo: number): void {
    const keys: number[] = [];
    for (const [k, d] of this.#held) if (d <= upTo) keys.push(k);
    for (const k of keys) this.#held.delete(k);
    this.owner.releaseMdl(keys);
  }

  /**
   * LOCK TABLES: drop the tables locked before, then take SNR (READ) or X (WRITE) on each,
   * all or nothing (the caller has committed implicitly).
   */
  lockTables(tables: readonly { db: string; name: string; write: boolean }[], timeout: number) {
    this.unlockTables();
    const requests = tables.map((t) => ({ ...t, mode: t.write ? MdlMode.X : MdlMode.SNR }));
    try {
      for (const t of sorted(this.owner, requests)) {
        this.#take(t.slot!, t.mode, Duration.LOCKED, timeout, this.#stateFor(true));
      }
    } catch (e) {
      this.#release(Duration.LOCKED);
      throw e;
    }
    const locked = new Map<string, boolean>();
    for (const t of tables) {
      const key = `${t.db}\0${t.name}`.toLowerCase();
      locked.set(key, (locked.get(key) ?? false) || t.write);
    }
    this.#locked = locked;
  }

  /** UNLOCK TABLES: true when tables were locked. */
  unlockTables(): boolean {
    if (this.#locked === null) return false;
    this.#locked = null;
    const keys: number[] = [];
    for (const [k, d] of this.#held) if (d === Duration.LOCKED) keys.push(k);
    for (const k of keys) this.#held.delete(k);
    this.owner.releaseMdl(keys);
    return true;
  }

  /** Session reset: every metadata lock, LOCK TABLES and every user lock. */
  releaseAll(): void {
    this.#held.clear();
    this.#locked = null;
    this.owner.releaseAll();
  }

  /** Session end: release everything and leave the lock table. Safe to call twice. */
  close(): void {
    this.#held.clear();
    this.#locked = null;
    this.owner.detach();
  }
}

/** The requests with their slots filled in. */
function withSlots(owner: LockOwner, tables: readonly TableLockRequest[]): TableLockRequest[] {
  for (const t of tables) t.slot ??= owner.table.slotOf(t.db, t.name);
  return tables as TableLockRequest[];
}

/** Requests in slot order, X first (one order for everyone avoids many deadlocks). */
function sorted(owner: LockOwner, tables: readonly TableLockRequest[]): TableLockRequest[] {
  return [...withSlots(owner, tables)].sort((a, b) => a.slot! - b.slot! || b.mode - a.mode);
}
