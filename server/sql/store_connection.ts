/**
 * One SQLite connection as a session uses it: the MySQL functions registered on it, its plan
 * cache, and the column specs that `mysql_store()` converts values for. A connection outlives
 * sessions (the engine keeps an idle one for the next session of the worker).
 */

import type { DatabaseSync } from "node:sqlite";
import { openStoreConnection } from "../store/store.ts";
import type { ColumnDef, TableDef } from "../store/table_def.ts";
import { registerMysqlFunctions } from "./mysql_functions.ts";
import type { FunctionHost } from "./function_host.ts";
import { PlanCache } from "./plan_cache.ts";
import { FunctionGuard } from "./function_guard.ts";
import { registerMemoryFunctions } from "../memory/memory_views.ts";

/** A column that values are converted for. */
export interface ColumnSpec {
  table: TableDef;
  column: ColumnDef;
}

/** A store connection with the engine's per-connection state. */
export class StoreConnection {
  readonly db: DatabaseSync;
  readonly plans = new PlanCache();
  /** Registers the functions and runs every read (`all()`): see function_guard.ts. */
  readonly guard: FunctionGuard;
  specs: ColumnSpec[] = [];
  #specIds = new Map<ColumnDef, number>();
  /** The session running on this connection. */
  host: FunctionHost | null = null;
  #closed = false;

  constructor(path: string) {
    this.db = openStoreConnection(path);
    this.guard = new FunctionGuard(this.db);
    registerMysqlFunctions(this.guard, () => {
      if (!this.host) throw new Error("Cannot run a function: no session on this connection");
      return this.host;
    });
    registerMemoryFunctions(this.guard);
  }

  /** The id `mysql_store()` knows `column` by. */
  specId(table: TableDef, column: ColumnDef): number {
    let id = this.#specIds.get(column);
    if (id === undefined) {
      id = this.specs.length;
      this.specs.push({ table, column });
      this.#specIds.set(column, id);
    }
    return id;
  }

  /** Drop plans and specs (the catalog changed). */
  invalidate(): void {
    this.plans.clear();
    this.specs = [];
    this.#specIds.clear();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.invalidate();
    if (this.db.isTransaction) this.db.exec("ROLLBACK");
    this.db.close();
  }
}
