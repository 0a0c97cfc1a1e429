/**
 * Values written to a column: each wrapped in `mysql_store(value, column, row)` so it is
 * converted and checked for its column as MySQL does; DEFAULT; `SET a = expr, ...` lists.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { newFrame } from "./rewrite_frame.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";
import { type ColumnDef, findColumn, quoteStore, type TableDef } from "../store/table_def.ts";
import { type CompileContext } from "./compile_context.ts";

/** The `mysql_store(` opening and `, column, row)` closing around a value for `col`. */
export function storeCall(
  ctx: CompileContext,
  def: TableDef,
  col: ColumnDef,
  row: number,
): [string, string] {
  return [`mysql_store(`, `, ${ctx.specId(def, col)}, ${row})`];
}

/** One value for column `col`: DEFAULT, or an expression wrapped in mysql_store(). */
export function valueExpression(
  ctx: CompileContext,
  rw: SqlRewriter,
  def: TableDef,
  col: ColumnDef,
  row: number,
  i: number,
): number {
  if (rw.isWord(i, "DEFAULT") && !rw.isOp(i + 1, "(")) {
    rw.emit(defaultSql(col), i);
    return i + 1;
  }
  const [open, close] = storeCall(ctx, def, col, row);
  rw.emit(open);
  const j = rw.run(i, newFrame(), (t) =>
    (t.kind === "op" && t.value === ",") ||
    (t.kind === "word" && (t.upper === "WHERE" || t.upper === "ORDER" || t.upper === "LIMIT")));
  rw.out += close;
  return j;
}

/** The SQL for DEFAULT in a VALUES list. */
export function defaultSql(col: ColumnDef): string {
  const d = col.default;
  if (col.autoIncrement || d === null || d.kind === "null") return "NULL";
  if (d.kind === "now") return `mysql_now(${d.fsp})`;
  return typeof d.value === "number"
    ? String(d.value)
    : `'${String(d.value).replaceAll("'", "''")}'`;
}

/** `a = expr, b = expr` (SET of INSERT / UPDATE / ON DUPLICATE KEY UPDATE). */
export function setAssignments(
  ctx: CompileContext,
  rw: SqlRewriter,
  def: TableDef,
  i: number,
  mode: "insert" | "update",
) {
  const cols: ColumnDef[] = [];
  const values: string[] = [];
  const assignments: string[] = [];
  let j = i;
  for (;;) {
    let t = rw.tokens[j]!;
    while (rw.isOp(j + 1, ".")) {
      j += 2;
      t = rw.tokens[j]!;
    }
    if (t.kind !== "word" && t.kind !== "quoted") throw rw.errorAt(j);
    const col = findColumn(def, t.value);
    if (!col) {
      throw new MysqlError(ER.ER_BAD_FIELD_ERROR, `Unknown column '${t.value}' in 'field list'`);
    }
    if (!rw.isOp(j + 1, "=") && !rw.isOp(j + 1, ":=")) throw rw.errorAt(j + 1);
    const mark = rw.out.length;
    if (mode === "insert" && rw.isWord(j + 2, "DEFAULT") && !rw.isOp(j + 3, "(")) {
      rw.emit(defaultSql(col), j + 2);
      j += 3;
    } else {
      j = valueExpression(ctx, rw, def, col, 1, j + 2);
    }
    const value = rw.out.slice(mark).trim();
    rw.out = rw.out.slice(0, mark);
    cols.push(col);
    values.push(value);
    assignments.push(`${quoteStore(col.name)} = ${value}`);
    if (!rw.isOp(j, ",")) break;
    j++;
  }
  return { cols, values, assignments, next: j };
}
