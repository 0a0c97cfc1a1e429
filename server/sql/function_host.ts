/** What the registered MySQL functions ask of the session that runs the statement. */

import type { SqlValue } from "./types.ts";

/** The session side of the registered functions. */
export interface FunctionHost {
  database(): string | null;
  /** USER(): `user@host`. */
  user(): string;
  /** CURRENT_USER(): `user@accountHost`. */
  currentUser(): string;
  connectionId(): number;
  version(): string;
  /** LAST_INSERT_ID(); with an argument, sets it and returns it. */
  lastInsertId(set?: number | bigint): number | bigint;
  rowCount(): number;
  foundRows(): number;
  /** SLEEP(n): returns 1 when interrupted (KILL QUERY), else 0. */
  sleep(seconds: number): number;
  getUserVar(name: string): SqlValue;
  setUserVar(name: string, value: SqlValue): void;
  /** Convert `value` for the column registered as `spec`, row `row` (INSERT / UPDATE). */
  store(value: unknown, spec: number, row: number): unknown;
  /** Statement start time: NOW() is constant within a statement. */
  now(): Date;
  /** Count a row of UPDATE whose values changed (rowid, old value, new value). */
  track(rowid: unknown, changed: boolean): void;
  /** Count an ON DUPLICATE KEY UPDATE that updated a row. */
  upsertHit(): void;
  warn(code: number, message: string): void;
}
