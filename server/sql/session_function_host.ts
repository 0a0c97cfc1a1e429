/**
 * The `FunctionHost` of a session: what the registered MySQL functions (DATABASE(), USER(),
 * LAST_INSERT_ID(), SLEEP(), mysql_store() ...) read from and count into the session running
 * the statement on this store connection.
 */

import type { FunctionHost } from "./function_host.ts";
import type { SqlValue } from "./types.ts";
import { convertForColumn } from "./column_values.ts";
import type { Session } from "./session.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { SessionState } from "../session/session_signals.ts";

/** Answers the registered functions for one session. */
export class SessionFunctionHost implements FunctionHost {
  readonly #s: Session;

  constructor(session: Session) {
    this.#s = session;
  }

  database(): string | null {
    return this.#s.currentDb;
  }
  user(): string {
    return `${this.#s.identity.user}@${this.#s.identity.host}`;
  }
  currentUser(): string {
    return `${this.#s.identity.user}@${this.#s.identity.accountHost}`;
  }
  connectionId(): number {
    return this.#s.identity.connectionId;
  }
  version(): string {
    return this.#s.engine.serverVersion;
  }
  lastInsertId(set?: number | bigint): number | bigint {
    if (set !== undefined) {
      this.#s.lastInsertIdValue = typeof set === "bigint" && set <= 9007199254740991n
        ? Number(set)
        : set;
    }
    return this.#s.lastInsertIdValue;
  }
  rowCount(): number {
    return this.#s.rowCountValue;
  }
  foundRows(): number {
    return this.#s.foundRowsValue;
  }
  /**
   * SLEEP(n): waits on the session's control word (woken at once by KILL or a lost client);
   * KILL QUERY makes it return 1 (MySQL: "When SLEEP() is the only thing invoked by a query
   * that is interrupted, it returns 1"), KILL CONNECTION or a lost client fail the statement.
   */
  sleep(seconds: number): number {
    const signals = this.#s.signals;
    if (!signals) return this.#sleepPolling(seconds);
    signals.setState(SessionState.USER_SLEEP);
    const r = signals.sleep(Math.max(0, seconds) * 1000);
    signals.setState(SessionState.EXECUTING);
    if (r === "killed") return 1;
    if (r === "gone") {
      signals.check();
      throw new MysqlError(ER.ER_CONNECTION_KILLED, "Connection was killed");
    }
    return 0;
  }
  /** Without signals (engine tests): 25 ms slices checking the `interrupted` hook. */
  #sleepPolling(seconds: number): number {
    const end = Date.now() + Math.max(0, seconds) * 1000;
    const cell = new Int32Array(new SharedArrayBuffer(4));
    while (Date.now() < end) {
      if (this.#s.interrupted()) return 1;
      Atomics.wait(cell, 0, 0, Math.min(25, end - Date.now()));
    }
    return 0;
  }
  checkInterrupt(): void {
    this.#s.checkAlive();
  }
  #owner() {
    const locks = this.#s.locks;
    if (!locks) {
      throw new MysqlError(
        ER.ER_NOT_SUPPORTED_YET,
        "This version of MySQL doesn't yet support 'user-level locks without a lock table'",
      );
    }
    return locks.owner;
  }
  getLock(name: string | null, timeoutSeconds: number): number | null {
    return this.#owner().getLock(name, timeoutSeconds, this.#s.signals ?? undefined);
  }
  releaseLock(name: string | null): number | null {
    return this.#owner().releaseLock(name);
  }
  isFreeLock(name: string | null): number | null {
    return this.#owner().isFreeLock(name);
  }
  isUsedLock(name: string | null): number | null {
    return this.#owner().isUsedLock(name);
  }
  releaseAllLocks(): number {
    return this.#owner().releaseAllLocks();
  }
  processListJson(): string {
    return this.#s.processListJson;
  }
  getUserVar(name: string): SqlValue {
    return this.#s.getUserVar(name);
  }
  setUserVar(name: string, value: SqlValue): void {
    this.#s.setUserVar(name, value);
  }
  store(value: unknown, spec: number, row: number): unknown {
    const counters = this.#s.writeCounters;
    const column = this.#s.conn.specs[spec]!.column;
    const v = convertForColumn(column, value, row === 0 ? 1 : row, counters.mode);
    if (v === null && column.autoIncrement) counters.generated++;
    counters.lastValues.set(column.name.toLowerCase(), v);
    return v;
  }
  now(): Date {
    return this.#s.now();
  }
  track(rowid: unknown, changed: boolean): void {
    if (changed) this.#s.writeCounters.changed.add(rowid);
  }
  upsertHit(): void {
    this.#s.writeCounters.upserts++;
  }
  warn(code: number, message: string): void {
    this.#s.warn(code, message);
  }
}
