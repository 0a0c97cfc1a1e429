/**
 * SHOW CREATE TABLE in MySQL 8.0's exact format, SHOW [FULL] COLUMNS, SHOW INDEX and the
 * COM_FIELD_LIST columns, all from the catalog.
 */

import type { DatabaseSync } from "node:sqlite";
import type { ColumnMeta, SqlValue } from "./types.ts";
import {
  type ColumnDef,
  columnTypeText,
  isTextType,
  quoteMysql,
  type TableDef,
} from "../store/table_def.ts";
import { nextAutoIncrement } from "../store/store_ddl.ts";
import { columnDefaultText, columnExtra, columnKey } from "../store/column_info.ts";
import { columnMeta } from "./column_meta.ts";
import { likeRegExp } from "./show_result.ts";
import { findCharset } from "../variables/charsets.ts";

function quoteString(v: string): string {
  return `'${v.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

/** DEFAULT text as SHOW CREATE TABLE prints it, or "" for none. */
function defaultClause(col: ColumnDef): string {
  const d = col.default;
  if (d === null) {
    if (col.nullable && !col.autoIncrement && !isBlobLike(col)) return " DEFAULT NULL";
    return "";
  }
  if (d.kind === "null") return col.nullable ? " DEFAULT NULL" : "";
  if (d.kind === "now") return ` DEFAULT CURRENT_TIMESTAMP${d.fsp ? `(${d.fsp})` : ""}`;
  return ` DEFAULT ${quoteString(String(d.value))}`;
}

function isBlobLike(col: ColumnDef): boolean {
  return /text|blob|json/.test(col.dataType);
}

/** One column line of SHOW CREATE TABLE. */
export function columnLine(def: TableDef, col: ColumnDef): string {
  let s = `  ${quoteMysql(col.name)} ${columnTypeText(col)}`;
  if (isTextType(col.dataType) && col.charset) {
    const tableDefault = col.charset === def.charset && col.collation === def.collation;
    if (!tableDefault) {
      if (col.charset !== def.charset) s += ` CHARACTER SET ${col.charset}`;
      if (
        col.collation !== findCharset(col.charset)?.defaultCollation || col.charset === def.charset
      ) {
        s += ` COLLATE ${col.collation}`;
      }
    }
  }
  if (!col.nullable) s += " NOT NULL";
  else if (col.dataType === "timestamp") s += " NULL";
  s += defaultClause(col);
  if (col.autoIncrement) s += " AUTO_INCREMENT";
  if (col.onUpdateNow) s += ` ON UPDATE CURRENT_TIMESTAMP${col.scale ? `(${col.scale})` : ""}`;
  if (col.comment) s += ` COMMENT ${quoteString(col.comment)}`;
  return s;
}

function keyLine(def: TableDef, i: number): string {
  const idx = def.indexes[i]!;
  const parts = idx.parts.map((p) =>
    quoteMysql(p.column) + (p.length ? `(${p.length})` : "") + (p.desc ? " DESC" : "")
  ).join(",");
  const comment = idx.comment ? ` COMMENT ${quoteString(idx.comment)}` : "";
  if (idx.kind === "primary") return `  PRIMARY KEY (${parts})${comment}`;
  const word = idx.kind === "unique" ? "UNIQUE KEY" : "KEY";
  return `  ${word} ${quoteMysql(idx.name)} (${parts})${comment}`;
}

/** The CREATE TABLE text MySQL 8.0 shows. */
export function showCreateTable(db: DatabaseSync, def: TableDef): string {
  const lines = def.columns.map((c) => columnLine(def, c));
  def.indexes.forEach((_k, i) => lines.push(keyLine(def, i)));
  let opts = `ENGINE=${def.engine}`;
  const next = nextAutoIncrement(db, def);
  if (next !== null && next > 1) opts += ` AUTO_INCREMENT=${next}`;
  opts += ` DEFAULT CHARSET=${def.charset}`;
  const csDefault = findCharset(def.charset)?.defaultCollation;
  if (def.collation !== csDefault || def.charset === "utf8mb4") opts += ` COLLATE=${def.collation}`;
  if (def.comment) opts += ` COMMENT=${quoteString(def.comment)}`;
  const temp = def.temporary ? "TEMPORARY " : "";
  return `CREATE ${temp}TABLE ${quoteMysql(def.name)} (\n${lines.join(",\n")}\n) ${opts}`;
}

/** Rows of SHOW [FULL] COLUMNS. */
export function columnRows(def: TableDef, full: boolean): SqlValue[][] {
  return def.columns.map((col) => {
    const base: SqlValue[] = [col.name, columnTypeText(col)];
    if (full) base.push(col.collation);
    base.push(
      col.nullable ? "YES" : "NO",
      columnKey(def, col),
      columnDefaultText(col),
      columnExtra(col),
    );
    if (full) base.push("select,insert,update,references", col.comment);
    return base;
  });
}

/** Rows of SHOW INDEX. */
export function indexRows(def: TableDef): SqlValue[][] {
  const rows: SqlValue[][] = [];
  for (const idx of def.indexes) {
    idx.parts.forEach((p, k) => {
      const col = def.columns.find((c) => c.name === p.column);
      rows.push([
        def.name,
        idx.kind === "index" ? 1 : 0,
        idx.name,
        k + 1,
        p.column,
        p.desc ? "D" : "A",
        0,
        p.length,
        null,
        col?.nullable ? "YES" : "",
        "BTREE",
        "",
        idx.comment,
        "YES",
        null,
      ]);
    });
  }
  return rows;
}

/** COM_FIELD_LIST: the table's columns matching a LIKE wildcard. */
export function fieldListColumns(def: TableDef, wildcard: string): ColumnMeta[] {
  const re = wildcard ? likeRegExp(wildcard) : null;
  return def.columns.filter((c) => !re || re.test(c.name)).map((c) =>
    columnMeta(def, c, c.name, def.name)
  );
}
