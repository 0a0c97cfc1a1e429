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
  /** Throws when the statement was killed or the client is gone (the long-scan check). */
  checkInterrupt(): void;
  /** GET_LOCK(name, timeout): 1, 0 on timeout. */
  getLock(name: string | null, timeoutSeconds: number): number | null;
  /** RELEASE_LOCK(name): 1, 0 (held by another session) or null (not held). */
  releaseLock(name: string | null): number | null;
  /** IS_FREE_LOCK(name): 1 or 0. */
  isFreeLock(name: string | null): number | null;
  /** IS_USED_LOCK(name): the holder's connection id or null. */
  isUsedLock(name: string | null): number | null;
  /** RELEASE_ALL_LOCKS(): the number of locks released. */
  releaseAllLocks(): number;
  /** The rows of information_schema.PROCESSLIST as JSON (see processlist_view.ts). */
  processListJson(): string;
}
