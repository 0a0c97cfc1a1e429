/**
 * Keeps exceptions of the registered MySQL functions away from `StatementSync.all()`.
 *
 * In Deno 2.9.6's node:sqlite, an exception thrown by a `db.function()` callback while `all()`
 * steps a statement is not reported: `all()` stores a row of NULLs, steps again (SQLite then
 * resets and re-runs the statement from the start) and never returns when the callback keeps
 * throwing — a killed `SELECT SLEEP(100)` or a killed long scan would spin for ever. `run()`,
 * `get()` and `iterate()` report the exception correctly, and `iterate()` costs about 20× more
 * per row than `all()`, so reads keep `all()` and go through {@linkcode FunctionGuard.all}:
 * while it runs, a callback that throws records its error and returns NULL instead, every later
 * callback returns NULL at once, and the scan check (rewrite_scan_check.ts) returns
 * {@linkcode SCAN_ABORT}, whose `abs()` SQLite itself fails with "integer overflow", so the
 * statement stops within one check interval. The recorded error is then thrown in its place.
 */

import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";

/** A value whose `abs()` SQLite refuses (`integer overflow`): aborts the statement natively. */
export const SCAN_ABORT = -9223372036854775808n;

/** A registered function's callback. */
// deno-lint-ignore no-explicit-any
type Callback = (...args: any[]) => unknown;

/** Options of `DatabaseSync.function()`. */
export interface FunctionOptions {
  varargs?: boolean;
  deterministic?: boolean;
}

/** One per store connection: registers its functions and runs its reads. */
export class FunctionGuard {
  readonly #db: DatabaseSync;
  #collecting = 0;
  #failed = false;
  #error: unknown = undefined;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Register `fn` as `name` on the connection, guarded. */
  register(name: string, options: FunctionOptions, fn: Callback): void {
    this.#db.function(name, options, (...args: unknown[]): SQLInputValue => {
      if (this.#collecting === 0) return fn(...args) as SQLInputValue;
      if (this.#failed) return null;
      try {
        return fn(...args) as SQLInputValue;
      } catch (e) {
        this.#fail(e);
        return null;
      }
    });
  }

  /** The scan check's value: 1, or {@linkcode SCAN_ABORT} once `check` threw inside `all()`. */
  scanCheck(check: () => void): number | bigint {
    if (this.#collecting === 0) {
      check();
      return 1;
    }
    if (this.#failed) return SCAN_ABORT;
    try {
      check();
      return 1;
    } catch (e) {
      this.#fail(e);
      return SCAN_ABORT;
    }
  }

  /** `stmt.all(...args)`, throwing what a function threw instead of returning bad rows. */
  all(stmt: StatementSync, args: readonly unknown[]): unknown[] {
    const outer = this.#collecting === 0;
    if (outer) {
      this.#failed = false;
      this.#error = undefined;
    }
    this.#collecting++;
    let rows: unknown[];
    try {
      rows = stmt.all(...(args as never[]));
    } catch (e) {
      if (this.#failed) throw this.#take();
      throw e;
    } finally {
      this.#collecting--;
    }
    if (this.#failed && outer) throw this.#take();
    return rows;
  }

  #fail(e: unknown): void {
    this.#failed = true;
    this.#error = e;
  }

  #take(): unknown {
    const e = this.#error;
    this.#failed = false;
    this.#error = undefined;
    return e;
  }
}
