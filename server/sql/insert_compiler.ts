/**
 * INSERT / REPLACE: `VALUES` rows, `SET` form, `INSERT ... SELECT` (through a CTE so each
 * value is stored for its column), IGNORE, and ON DUPLICATE KEY UPDATE as SQLite's upsert.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { newFrame } from "./rewrite_frame.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";
import { ER_NO_DEFAULT_FOR_FIELD } from "../store/store_errors.ts";
import {
  type ColumnDef,
  findColumn,
  quoteStore,
  storeName,
  type TableDef,
} from "../store/table_def.ts";
import {
  type CompileContext,
  isEnd,
  skipWords,
  targetTable,
  type WriteInfo,
} from "./compile_context.ts";
import { setAssignments, storeCall, valueExpression } from "./value_compiler.ts";

/** Columns of `(a, b, c)` at token i. */
function columnList(
  rw: SqlRewriter,
  def: TableDef,
  i: number,
): { cols: ColumnDef[]; next: number } {
  const cols: ColumnDef[] = [];
  let j = i + 1;
  if (rw.isOp(j, ")")) return { cols, next: j + 1 };
  for (;;) {
    let t = rw.tokens[j]!;
    // t.c and db.t.c name the target's columns too.
    while (rw.isOp(j + 1, ".")) {
      j += 2;
      t = rw.tokens[j]!;
    }
    if (t.kind !== "word" && t.kind !== "quoted") throw rw.errorAt(j);
    const col = findColumn(def, t.value);
    if (!col) {
      throw new MysqlError(ER.ER_BAD_FIELD_ERROR, `Unknown column '${t.value}' in 'field list'`);
    }
    if (cols.includes(col)) {
      throw new MysqlError(ER.ER_FIELD_SPECIFIED_TWICE, `Column '${col.name}' specified twice`);
    }
    cols.push(col);
    j++;
    if (rw.isOp(j, ")")) return { cols, next: j + 1 };
    if (!rw.isOp(j, ",")) throw rw.errorAt(j);
    j++;
  }
}

/** Strict mode: a NOT NULL column without a default must be given (1364). */
function checkDefaults(def: TableDef, given: ColumnDef[]): void {
  for (const c of def.columns) {
    if (!c.nullable && c.default === null && !c.autoIncrement && !given.includes(c)) {
      throw new MysqlError(
        ER_NO_DEFAULT_FOR_FIELD,
        `Field '${c.name}' doesn't have a default value`,
      );
    }
  }
}

/** INSERT / REPLACE [IGNORE] [INTO] t ... into the rewriter's output. */
export function compileInsert(ctx: CompileContext, rw: SqlRewriter): WriteInfo {
  const replace = rw.isWord(0, "REPLACE");
  let j = skipWords(rw, 1, ["LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY"]);
  const ignore = rw.isWord(j, "IGNORE");
  if (ignore) j++;
  if (rw.isWord(j, "INTO")) j++;
  const target = targetTable(ctx, rw, j);
  const def = target.def;
  j = target.next;
  const verb = replace ? "REPLACE" : ignore ? "INSERT OR IGNORE" : "INSERT";
  rw.emit(
    `${verb} INTO ${quoteStore(storeName(def.db, def.name))} AS ${quoteStore(target.alias)}`,
    0,
  );
  let cols = def.columns;
  if (rw.isOp(j, "(") && !rw.isWord(j + 1, "SELECT") && !rw.isWord(j + 1, "WITH")) {
    const list = columnList(rw, def, j);
    cols = list.cols;
    j = list.next;
  }
  let rowCount = 1;
  if (rw.isWord(j, "SET")) {
    const set = setAssignments(ctx, rw, def, j + 1, "insert");
    cols = set.cols;
    rw.emit(
      `(${cols.map((c) => quoteStore(c.name)).join(", ")}) VALUES (${set.values.join(", ")})`,
    );
    j = set.next;
  } else if (rw.isWord(j, "VALUES") || rw.isWord(j, "VALUE")) {
    const v = valuesRows(ctx, rw, def, cols, j + 1);
    j = v.next;
    rowCount = v.rows;
  } else {
    j = insertSelect(ctx, rw, def, cols, j);
    rowCount = 0;
  }
  checkDefaults(def, cols);
  let upsert = false;
  if (rw.isWord(j, "AS")) j += 2; // VALUES (...) AS new: the alias is the excluded row.
  if (rw.isWord(j, "ON") && rw.isWord(j + 1, "DUPLICATE")) {
    if (!rw.isWord(j + 2, "KEY") || !rw.isWord(j + 3, "UPDATE")) throw rw.errorAt(j + 2);
    upsert = true;
    rw.valuesAsExcluded = true;
    rw.emit("ON CONFLICT DO UPDATE SET", j);
    const set = setAssignments(ctx, rw, def, j + 4, "update");
    rw.out += " " + set.assignments.join(", ") + " WHERE mysql_upsert_hit()";
    j = set.next;
  }
  if (!isEnd(rw.tokens, j)) throw rw.errorAt(j);
  const autoOmitted = def.columns.some((c) => c.autoIncrement && !cols.includes(c));
  return { target: def, rowCount, ignore, upsert, replace, autoOmitted };
}

function valuesRows(
  ctx: CompileContext,
  rw: SqlRewriter,
  def: TableDef,
  cols: ColumnDef[],
  i: number,
): { next: number; rows: number } {
  let j = i;
  let row = 0;
  rw.emit(`(${cols.map((c) => quoteStore(c.name)).join(", ")}) VALUES`);
  for (;;) {
    row++;
    if (rw.isWord(j, "ROW")) j++;
    if (!rw.isOp(j, "(")) throw rw.errorAt(j);
    rw.emit(row > 1 ? ", (" : "(", j);
    j++;
    let k = 0;
    if (!rw.isOp(j, ")")) {
      for (;;) {
        const col = cols[k];
        if (!col) throw countMismatch(row);
        if (k > 0) rw.emit(",");
        j = valueExpression(ctx, rw, def, col, row, j);
        k++;
        if (rw.isOp(j, ",")) j++;
        else break;
      }
    }
    if (!rw.isOp(j, ")")) throw rw.errorAt(j);
    if (k !== cols.length) throw countMismatch(row);
    rw.emit(")", j);
    j++;
    if (!rw.isOp(j, ",")) break;
    j++;
  }
  if (cols.length === 0) rw.out = rw.out.replace(/\(\) VALUES( ?\(\))+$/, "DEFAULT VALUES");
  return { next: j, rows: row };
}

function countMismatch(row: number): MysqlError {
  return new MysqlError(
    ER.ER_WRONG_VALUE_COUNT_ON_ROW,
    `Column count doesn't match value count at row ${row}`,
  );
}

function insertSelect(
  ctx: CompileContext,
  rw: SqlRewriter,
  def: TableDef,
  cols: ColumnDef[],
  i: number,
): number {
  const names = cols.map((_c, k) => `"c${k}"`);
  const stored = cols.map((c, k) => {
    const [open, close] = storeCall(ctx, def, c, 0);
    return `${open}${names[k]}${close}`;
  });
  rw.emit(
    `(${cols.map((c) => quoteStore(c.name)).join(", ")}) WITH "_src"(${names.join(", ")}) AS (`,
  );
  const inner = newFrame();
  let j = i;
  if (rw.isOp(j, "(")) j = rw.group(j);
  else j = rw.run(j, inner, (t) => t.kind === "word" && t.upper === "ON");
  rw.emit(`) SELECT ${stored.join(", ")} FROM "_src" WHERE true`);
  return j;
}
