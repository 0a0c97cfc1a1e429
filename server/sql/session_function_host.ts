/**
 * The `FunctionHost` of a session: what the registered MySQL functions (DATABASE(), USER(),
 * LAST_INSERT_ID(), SLEEP(), mysql_store() ...) read from and count into the session running
 * the statement on this store connection.
 */

import type { FunctionHost } from "./function_host.ts";
import type { SqlValue } from "./types.ts";
import { convertForColumn } from "./column_values.ts";
import type { Session } from "./session.ts";

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
  /** Waits in 100 ms slices so KILL QUERY is noticed (house rule 7). */
  sleep(seconds: number): number {
    const end = Date.now() + Math.max(0, seconds) * 1000;
    const cell = new Int32Array(new SharedArrayBuffer(4));
    while (Date.now() < end) {
      if (this.#s.interrupted()) return 1;
      Atomics.wait(cell, 0, 0, Math.min(100, end - Date.now()));
    }
    return 0;
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
