/**
 * The SQLite schema of a MySQL table: a STRICT table named "db.t" whose columns carry the store
 * type, NOT NULL, DEFAULT and the case-insensitive collation, plus one index per MySQL key.
 */

import type { DatabaseSync } from "node:sqlite";
import {
  type ColumnDef,
  isBinaryCollation,
  isIntegerType,
  isTextType,
  primaryKey,
  quoteStore,
  storeName,
  storeType,
  type TableDef,
} from "./table_def.ts";

/** SQL literal of a stored value. */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (v instanceof Uint8Array) {
    return `X'${Array.from(v, (b) => b.toString(16).padStart(2, "0")).join("")}'`;
  }
  return `'${String(v).replaceAll("'", "''")}'`;
}

/** Whether the table's primary key is a single integer column (the SQLite rowid). */
export function rowidColumn(def: TableDef): ColumnDef | null {
  const pk = primaryKey(def);
  if (!pk || pk.parts.length !== 1) return null;
  const col = def.columns.find((c) => c.name === pk.parts[0]!.column);
  return col && isIntegerType(col.dataType) ? col : null;
}

function columnSql(
  def: TableDef,
  col: ColumnDef,
  rowid: ColumnDef | null,
  storedDefault: (c: ColumnDef) => unknown,
): string {
  const type = col === rowid ? "INTEGER" : storeType(col);
  let s = `${quoteStore(col.name)} ${type}`;
  if (col === rowid) s += col.autoIncrement ? " PRIMARY KEY AUTOINCREMENT" : " PRIMARY KEY";
  if (isTextType(col.dataType) || col.dataType === "json") {
    s += isBinaryCollation(col) ? "" : " COLLATE NOCASE";
  }
  if (!col.nullable) s += " NOT NULL";
  const d = col.default;
  if (d?.kind === "now") {
    s += col.dataType === "date" ? " DEFAULT (mysql_curdate())" : ` DEFAULT (mysql_now(${d.fsp}))`;
  } else if (d?.kind === "value") {
    s += ` DEFAULT ${sqlLiteral(storedDefault(col))}`;
  }
  void def;
  return s;
}

/** The store name of a MySQL index. */
export function indexStoreName(def: TableDef, index: string): string {
  return `${storeName(def.db, def.name)}.${index}`;
}

/** CREATE TABLE and CREATE INDEX statements for `def` (`storedDefault` converts defaults). */
export function tableSql(def: TableDef, storedDefault: (c: ColumnDef) => unknown): string[] {
  const table = quoteStore(storeName(def.db, def.name));
  const rowid = rowidColumn(def);
  const cols = def.columns.map((c) => columnSql(def, c, rowid, storedDefault));
  const pk = primaryKey(def);
  if (pk && !rowid) {
    cols.push(`PRIMARY KEY (${pk.parts.map((p) => quoteStore(p.column)).join(", ")})`);
  }
  const temp = def.temporary ? "TEMP " : "";
  const out = [`CREATE ${temp}TABLE ${table} (${cols.join(", ")}) STRICT`];
  for (const idx of def.indexes) {
    if (idx.kind === "primary") continue;
    out.push(indexSql(def, idx.name));
  }
  return out;
}

/** CREATE INDEX for the key called `name`. */
export function indexSql(def: TableDef, name: string): string {
  const idx = def.indexes.find((i) => i.name === name)!;
  const schema = def.temporary ? "temp." : "";
  const cols = idx.parts.map((p) => quoteStore(p.column) + (p.desc ? " DESC" : "")).join(", ");
  const unique = idx.kind === "unique" ? "UNIQUE " : "";
  return `CREATE ${unique}INDEX ${schema}${quoteStore(indexStoreName(def, name))} ON ${
    quoteStore(storeName(def.db, def.name))
  } (${cols})`;
}

/** Set the next AUTO_INCREMENT value of a table (sqlite_sequence holds the last one used). */
export function setAutoIncrement(db: DatabaseSync, def: TableDef, next: number): void {
  const seq = def.temporary ? "temp.sqlite_sequence" : "sqlite_sequence";
  const name = storeName(def.db, def.name);
  const current = db.prepare(`SELECT max(rowid) AS m FROM ${quoteStore(name)}`).get()?.m;
  const value = Math.max(next - 1, Number(current ?? 0));
  db.prepare(`DELETE FROM ${seq} WHERE name = ?`).run(name);
  db.prepare(`INSERT INTO ${seq} (name, seq) VALUES (?, ?)`).run(name, value);
}

/** The next AUTO_INCREMENT value of a table, or null when it has no AUTO_INCREMENT column. */
export function nextAutoIncrement(db: DatabaseSync, def: TableDef): number | null {
  if (!def.columns.some((c) => c.autoIncrement)) return null;
  const seq = def.temporary ? "temp.sqlite_sequence" : "sqlite_sequence";
  const row = db.prepare(`SELECT seq FROM ${seq} WHERE name = ?`).get(storeName(def.db, def.name));
  return Number(row?.seq ?? 0) + 1;
}
