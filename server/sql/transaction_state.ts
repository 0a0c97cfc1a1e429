/**
 * MySQL transactions on a SQLite connection.
 *
 * MySQL's transaction (BEGIN, or autocommit=0) starts the SQLite transaction lazily: a read
 * takes a deferred (snapshot) transaction, a write takes the write lock up front with BEGIN
 * IMMEDIATE. A read transaction that later writes is committed (it changed nothing) and
 * restarted with BEGIN IMMEDIATE, because SQLite cannot upgrade a stale snapshot; writes then
 * see the latest committed data, like InnoDB's locking reads. Lock waits are sliced so the
 * session's kill flag is checked between slices (house rule 7).
 */

import type { DatabaseSync } from "node:sqlite";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { isBusyError, mapStoreError } from "../store/store_errors.ts";

/** What the session tells the transaction logic. */
export interface WaitControl {
  /** Throws when the statement was killed. */
  checkAlive(): void;
  /** innodb_lock_wait_timeout in seconds. */
  lockWaitTimeout(): number;
  /** Called when the MySQL transaction ends (its metadata locks are released). */
  transactionEnded?(): void;
}

/** Run `f`, retrying while SQLite reports a busy database, up to the lock wait timeout. */
export function withBusyRetry<T>(wait: WaitControl, f: () => T): T {
  let deadline = 0;
  for (;;) {
    try {
      return f();
    } catch (e) {
      if (!isBusyError(e)) throw e;
      // The first failed attempt already waited one busy slice.
      if (deadline === 0) deadline = Date.now() + wait.lockWaitTimeout() * 1000;
      if (Date.now() >= deadline) {
        throw new MysqlError(
          ER.ER_LOCK_WAIT_TIMEOUT,
          "Lock wait timeout exceeded; try restarting transaction",
        );
      }
      wait.checkAlive();
    }
  }
}

/** SQLite transaction state of one session. */
export class TransactionState {
  #db: DatabaseSync;
  #wait: WaitControl;
  /** MySQL sees a transaction (BEGIN, or autocommit=0 after a statement). */
  open = false;
  /** The SQLite transaction: none, a read snapshot, or holding the write lock. */
  store: "none" | "read" | "write" = "none";
  savepoints: string[] = [];
  readOnly = false;

  constructor(db: DatabaseSync, wait: WaitControl) {
    this.#db = db;
    this.#wait = wait;
  }

  /** BEGIN / START TRANSACTION: commits any open transaction first, as MySQL does. */
  begin(readOnly = false): void {
    this.commit();
    this.open = true;
    this.readOnly = readOnly;
  }

  /** Make sure the SQLite transaction fits a statement that reads or writes. */
  prepare(writes: boolean): void {
    if (!this.open) return;
    if (writes && this.readOnly) {
      throw new MysqlError(1792, "Cannot execute statement in a READ ONLY transaction.", "25006");
    }
    if (this.store === "write" || (!writes && this.store === "read")) return;
    if (this.store === "read") {
      // Nothing was written yet: release the snapshot and take the write lock.
      this.#db.exec("COMMIT");
      this.store = "none";
    }
    if (writes) {
      withBusyRetry(this.#wait, () => this.#db.exec("BEGIN IMMEDIATE"));
      this.store = "write";
    } else {
      this.#db.exec("BEGIN");
      this.store = "read";
    }
    for (const sp of this.savepoints) this.#db.exec(`SAVEPOINT "${sp}"`);
  }

  /** COMMIT (also the implicit commit before DDL). */
  commit(): void {
    try {
      if (this.#db.isTransaction) withBusyRetry(this.#wait, () => this.#db.exec("COMMIT"));
    } catch (e) {
      throw mapStoreError(e);
    } finally {
      this.#reset();
    }
  }

  /** ROLLBACK. */
  rollback(): void {
    try {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
    } finally {
      this.#reset();
    }
  }

  #reset(): void {
    this.#wait.transactionEnded?.();
    this.open = false;
    this.store = "none";
    this.savepoints = [];
    this.readOnly = false;
  }

  /** SAVEPOINT name. */
  savepoint(name: string): void {
    const lower = name.toLowerCase();
    if (!this.open) return;
    this.savepoints = this.savepoints.filter((s) => s !== lower);
    this.savepoints.push(lower);
    if (this.store !== "none") this.#db.exec(`SAVEPOINT "${lower}"`);
  }

  #find(name: string): number {
    const k = this.savepoints.lastIndexOf(name.toLowerCase());
    if (k < 0) throw new MysqlError(1305, `SAVEPOINT ${name} does not exist`);
    return k;
  }

  /** ROLLBACK TO SAVEPOINT name. */
  rollbackTo(name: string): void {
    const k = this.#find(name);
    const sp = this.savepoints[k]!;
    if (this.store !== "none") this.#db.exec(`ROLLBACK TO "${sp}"`);
    this.savepoints = this.savepoints.slice(0, k + 1);
  }

  /** RELEASE SAVEPOINT name. */
  release(name: string): void {
    const k = this.#find(name);
    const sp = this.savepoints[k]!;
    if (this.store !== "none") this.#db.exec(`RELEASE "${sp}"`);
    this.savepoints = this.savepoints.slice(0, k);
  }
}
