/**
 * Single-table UPDATE and DELETE. Changed rows are tracked per rowid (MySQL counts changed, not
 * matched, rows), ON UPDATE CURRENT_TIMESTAMP columns are set, and ORDER BY / LIMIT become a
 * `rowid IN (SELECT ...)` filter.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { newFrame } from "./rewrite_frame.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";
import { aliasName } from "./rewrite_table_refs.ts";
import { rowidColumn } from "../store/store_ddl.ts";
import { quoteStore, storeName, type TableDef } from "../store/table_def.ts";
import {
  type CompileContext,
  isEnd,
  skipWords,
  targetTable,
  type WriteInfo,
} from "./compile_context.ts";
import { setAssignments } from "./value_compiler.ts";
import { startScanLevel } from "./rewrite_scan_check.ts";

/** UPDATE [LOW_PRIORITY] [IGNORE] t [AS a] SET ... [WHERE ...] [ORDER BY ...] [LIMIT n]. */
export function compileUpdate(ctx: CompileContext, rw: SqlRewriter): WriteInfo {
  let j = skipWords(rw, 1, ["LOW_PRIORITY"]);
  const ignore = rw.isWord(j, "IGNORE");
  if (ignore) j++;
  const target = targetTable(ctx, rw, j);
  j = target.next;
  const alias = aliasName(rw, j);
  if (alias) {
    j = alias.next;
    rw.tables[rw.tables.length - 1]!.alias = alias.name;
  }
  if (!rw.isWord(j, "SET")) {
    throw new MysqlError(
      ER.ER_NOT_SUPPORTED_YET,
      "This version of MySQL doesn't yet support 'multi-table UPDATE'",
    );
  }
  const def = target.def;
  const table = `${quoteStore(storeName(def.db, def.name))} AS ${
    quoteStore(alias?.name ?? target.alias)
  }`;
  rw.emit(`UPDATE ${ignore ? "OR IGNORE " : ""}${table} SET`, 0);
  rw.clause("field list");
  const set = setAssignments(ctx, rw, def, j + 1, "update");
  const tracked = set.cols.map((c, k) =>
    `${quoteStore(c.name)} = mysql_track(rowid, ${quoteStore(c.name)}, ${set.values[k]})`
  );
  for (const c of def.columns) {
    if (c.onUpdateNow && !set.cols.includes(c)) {
      tracked.push(`${quoteStore(c.name)} = mysql_now(${c.scale ?? 0})`);
    }
  }
  rw.out += " " + tracked.join(", ");
  j = whereOrderLimit(rw, def, table, set.next, alias?.name ?? target.alias);
  return { target: def, rowCount: 0, ignore, upsert: false, replace: false };
}

/** WHERE ... [ORDER BY ...] [LIMIT n]; ORDER BY / LIMIT become `rowid IN (SELECT ...)`. */
function whereOrderLimit(
  rw: SqlRewriter,
  def: TableDef,
  table: string,
  i: number,
  alias: string,
): number {
  const start = rw.out.length;
  const f = newFrame();
  startScanLevel(f);
  f.scans!.push({ alias, rowid: true });
  const j = rw.run(i, f);
  if (!isEnd(rw.tokens, j)) throw rw.errorAt(j);
  const tail = rw.out.slice(start);
  if (
    /\b(ORDER BY|LIMIT)\b/.test(tail) &&
    (rw.tokens.slice(i, j).some((t) =>
      t.kind === "word" && (t.upper === "LIMIT" || t.upper === "ORDER")
    ))
  ) {
    const key = rowidColumn(def) ? quoteStore(rowidColumn(def)!.name) : "rowid";
    rw.out = rw.out.slice(0, start) +
      ` WHERE rowid IN (SELECT ${key === "rowid" ? "rowid" : key} FROM ${table}${tail})`;
  }
  return j;
}

/** DELETE [LOW_PRIORITY] [QUICK] [IGNORE] FROM t [AS a] [WHERE ...] [ORDER BY ...] [LIMIT n]. */
export function compileDelete(ctx: CompileContext, rw: SqlRewriter): WriteInfo {
  let j = skipWords(rw, 1, ["LOW_PRIORITY", "QUICK", "IGNORE"]);
  if (!rw.isWord(j, "FROM")) {
    throw new MysqlError(
      ER.ER_NOT_SUPPORTED_YET,
      "This version of MySQL doesn't yet support 'multi-table DELETE'",
    );
  }
  const target = targetTable(ctx, rw, j + 1);
  j = target.next;
  const alias = aliasName(rw, j);
  if (alias) {
    j = alias.next;
    rw.tables[rw.tables.length - 1]!.alias = alias.name;
  }
  const def = target.def;
  const table = `${quoteStore(storeName(def.db, def.name))} AS ${
    quoteStore(alias?.name ?? target.alias)
  }`;
  rw.emit(`DELETE FROM ${table}`, 0);
  whereOrderLimit(rw, def, table, j, alias?.name ?? target.alias);
  return { target: def, rowCount: 0, ignore: false, upsert: false, replace: false };
}
