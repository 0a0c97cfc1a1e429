/**
 * A compiled statement: the SQLite text with `?` parameters, where each parameter's value comes
 * from, and what the engine needs to describe and finish the result. Plans are cached by digest.
 */

import type { StatementSync } from "node:sqlite";
import type { ColumnMeta } from "./types.ts";
import type { TableDef } from "../store/table_def.ts";
import type { TableLockRequest } from "../locks/session_locks.ts";

/** Where one bound parameter's value comes from. */
export type Slot =
  | { kind: "lit"; index: number }
  | { kind: "param"; index: number }
  | { kind: "sysvar"; name: string; scope: "global" | "session" | "default" }
  | { kind: "uservar"; name: string }
  | { kind: "const"; value: string | number | bigint | null };

/** A table a statement names, with the alias it has in the store SQL. */
export interface TableRef {
  db: string;
  name: string;
  alias: string;
  def: TableDef | null;
}

/** A privilege a plan needs on one table, checked on every execution (MySQL 1142). */
export interface TableAccess {
  priv: string;
  db: string;
  table: string;
}

/** A literal the plan baked into its SQL (ORDER BY 1): a different value needs a new plan. */
export interface Pin {
  lit: number;
  value: string;
}

/** How a result column's name is found per execution. */
export type ItemName =
  | { kind: "store" } // the store's name (a column or an alias)
  | { kind: "text"; from: number; to: number } // the source text of tokens [from, to)
  | { kind: "literal"; token: number }; // a string literal item: MySQL names it by its value

/** Converts a stored value to the value MySQL returns for the column. */
export type ValueConverter = (v: unknown) => unknown;

/** The kinds of DML plan. */
export type PlanKind = "select" | "insert" | "update" | "delete";

/** A compiled DML statement. */
export interface Plan {
  kind: PlanKind;
  sql: string;
  stmt: StatementSync;
  slots: Slot[];
  pins: Pin[];
  /** True when the statement writes (or locks rows FOR UPDATE). */
  writes: boolean;
  /** Result columns known at compile time (table columns); null entries are inferred per run. */
  columns: (ColumnMeta | null)[];
  names: ItemName[];
  converters: (ValueConverter | null)[];
  /** Whether any value may need bigint reads. */
  bigInts: boolean;
  /** Whether rows need a pass (bigint reads or converters). */
  normalize: boolean;
  /** The columns when every one is known at compile time under its store name. */
  staticColumns: ColumnMeta[] | null;
  /** Table written by INSERT / UPDATE / DELETE. */
  target: TableDef | null;
  /** Number of VALUES rows of an INSERT. */
  rowCount: number;
  /** INSERT that leaves the AUTO_INCREMENT column out: every row gets a generated id. */
  autoOmitted: boolean;
  /** INSERT IGNORE / UPDATE IGNORE. */
  ignore: boolean;
  /** INSERT ... ON DUPLICATE KEY UPDATE. */
  upsert: boolean;
  /** REPLACE. */
  replace: boolean;
  /** SELECT ... INTO @a, @b. */
  intoVars: string[];
  /** Privileges the statement needs, one entry per (privilege, table). */
  access: TableAccess[];
  /** SQL_CALC_FOUND_ROWS: the statement that counts rows without LIMIT. */
  foundRows: { stmt: StatementSync; slots: Slot[] } | null;
  /** Metadata locks the statement takes (computed from `access` on first run). */
  mdl?: TableLockRequest[];
}
