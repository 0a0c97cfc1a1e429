/**
 * Compiles SELECT / INSERT / REPLACE / UPDATE / DELETE into a `Plan`: the rewritten SQLite
 * statement, prepared once, with its result metadata. INSERT and UPDATE values are wrapped in
 * `mysql_store(value, column, row)` so each value is converted and checked for its column.
 */

import { returnArrays } from "../store/store.ts";
import type { DatabaseSync } from "node:sqlite";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { type Token, tokenize } from "./lexer.ts";
import { newFrame, type RewriteContext, SqlRewriter } from "./sql_rewriter.ts";
import type { Plan, PlanKind, TableAccess } from "./plan.ts";
import type { ColumnMeta } from "./types.ts";
import {
  type ColumnDef,
  findColumn,
  quoteStore,
  storeName,
  type TableDef,
} from "../store/table_def.ts";
import { ER_NO_DEFAULT_FOR_FIELD, mapStoreError } from "../store/store_errors.ts";
import { describeResult } from "./result_columns.ts";
import { rowidColumn } from "../store/store_ddl.ts";
import { planAccess } from "./plan_access.ts";

/** What compiling needs from the session. */
export interface CompileContext extends RewriteContext {
  db: DatabaseSync;
  /** Register a column for mysql_store() and return its id. */
  specId(table: TableDef, col: ColumnDef): number;
  /** 1142 unless the session holds every privilege in `access`. */
  checkAccess(access: readonly TableAccess[]): void;
  /** The 1062 error for a unique violation on store columns. */
  duplicateError(table: TableDef | null, storeColumns: string[]): MysqlError;
}

/** The statement kinds compiled into plans. */
export const DML_WORDS = new Set([
  "SELECT",
  "WITH",
  "INSERT",
  "REPLACE",
  "UPDATE",
  "DELETE",
  "TABLE",
  "VALUES",
]);

/** Compile one DML statement. */
export function compileDml(ctx: CompileContext, sql: string, tokens: Token[]): Plan {
  const rw = new SqlRewriter(sql, tokens, ctx);
  const first = tokens[0]!;
  let kind: PlanKind = "select";
  let info: WriteInfo = { target: null, rowCount: 0, ignore: false, upsert: false, replace: false };
  if (first.kind === "word" && (first.upper === "INSERT" || first.upper === "REPLACE")) {
    kind = "insert";
    info = compileInsert(ctx, rw);
  } else if (first.kind === "word" && first.upper === "UPDATE") {
    kind = "update";
    info = compileUpdate(ctx, rw);
  } else if (first.kind === "word" && first.upper === "DELETE") {
    kind = "delete";
    info = compileDelete(ctx, rw);
  } else {
    const end = rw.run(0, newFrame(true));
    if (!isEnd(tokens, end)) throw rw.errorAt(end);
  }
  return finishPlan(ctx, rw, kind, info);
}

function isEnd(tokens: Token[], i: number): boolean {
  const t = tokens[i]!;
  return t.kind === "eof" || (t.kind === "op" && t.value === ";" && tokens[i + 1]!.kind === "eof");
}

interface WriteInfo {
  target: TableDef | null;
  autoOmitted?: boolean;
  rowCount: number;
  ignore: boolean;
  upsert: boolean;
  replace: boolean;
}

function prepareStore(ctx: CompileContext, rw: SqlRewriter, sql: string, target: TableDef | null) {
  try {
    return ctx.db.prepare(sql);
  } catch (e) {
    throw mapStoreError(e, {
      syntaxAt: (o, near) => rw.syntaxAt(o, near),
      clauseAt: (o, name) => rw.clauseAt(o, name),
      duplicate: (cols) => ctx.duplicateError(target, cols),
      db: ctx.currentDb,
    });
  }
}

function finishPlan(ctx: CompileContext, rw: SqlRewriter, kind: PlanKind, info: WriteInfo): Plan {
  const access = planAccess(rw.tables, {
    kind,
    replace: info.replace,
    upsert: info.upsert,
    where: rw.clauses.some(([, c]) => c === "where clause"),
  });
  // MySQL checks privileges before it resolves columns: 1142 wins over 1054.
  ctx.checkAccess(access);
  const stmt = prepareStore(ctx, rw, rw.out, info.target);
  returnArrays(stmt);
  const described = kind === "select" ? describeResult(rw, stmt) : null;
  if (described?.bigInts) stmt.setReadBigInts(true);
  let foundRows: Plan["foundRows"] = null;
  if (rw.calcFoundRows) {
    const base = rw.limitOut >= 0 ? rw.out.slice(0, rw.limitOut) : rw.out;
    const count = prepareStore(ctx, rw, `SELECT count(*) FROM (${base})`, null);
    returnArrays(count);
    foundRows = {
      stmt: count,
      slots: rw.slots.slice(0, rw.limitOut >= 0 ? rw.limitSlots : rw.slots.length),
    };
  }
  return {
    kind,
    sql: rw.out,
    stmt,
    slots: rw.slots,
    pins: rw.pins,
    writes: kind !== "select" || rw.forUpdate,
    columns: described?.columns ?? [],
    names: described?.names ?? [],
    converters: described?.converters ?? [],
    bigInts: described?.bigInts ?? false,
    normalize: (described?.bigInts ?? false) ||
      (described?.converters.some((c) => c !== null) ?? false),
    staticColumns: described ? staticColumns(rw, described) : null,
    target: info.target,
    rowCount: info.rowCount,
    autoOmitted: info.autoOmitted ?? false,
    ignore: info.ignore,
    upsert: info.upsert,
    replace: info.replace,
    intoVars: rw.intoVars,
    access,
    foundRows,
  };
}

/**
 * The result columns when they never change between executions of the plan: every column from
 * a table, named by the store or by a single identifier token (the digest keeps identifiers'
 * spelling, so the name is the same for every statement with this digest).
 */
function staticColumns(rw: SqlRewriter, d: ReturnType<typeof describeResult>): ColumnMeta[] | null {
  const out: ColumnMeta[] = [];
  for (let i = 0; i < d.columns.length; i++) {
    const meta = d.columns[i];
    const name = d.names[i]!;
    if (!meta) return null;
    if (name.kind === "store") out.push(meta);
    else if (
      name.kind === "text" && name.to - name.from === 1 &&
      ["word", "quoted"].includes(rw.tokens[name.from]!.kind)
    ) {
      out.push({ ...meta, name: rw.tokens[name.from]!.value });
    } else return null;
  }
  return out;
}

/** The target table of INSERT / UPDATE / DELETE at token i: returns its def and next index. */
function targetTable(
  ctx: CompileContext,
  rw: SqlRewriter,
  i: number,
): { def: TableDef; alias: string; next: number } {
  const t = rw.tokens[i]!;
  if (t.kind !== "word" && t.kind !== "quoted") throw rw.errorAt(i);
  let db: string | null = null;
  let name = t.value;
  let j = i + 1;
  if (rw.isOp(j, ".")) {
    db = name;
    name = rw.tokens[j + 1]!.value;
    j += 2;
  }
  const schema = db ?? ctx.currentDb;
  if (schema === null) throw new MysqlError(ER.ER_NO_DB_ERROR, "No database selected");
  const def = ctx.findTable(schema, name);
  if (!def) throw ctx.noSuchTable(schema, name, TARGET_PRIVILEGE[rw.tokens[0]!.upper] ?? "SELECT");
  rw.tables.push({ db: schema, name, alias: name, def });
  return { def, alias: name, next: j };
}

/** The privilege named when a missing target table is also out of reach (1142 before 1146). */
const TARGET_PRIVILEGE: Record<string, string> = {
  INSERT: "INSERT",
  REPLACE: "INSERT",
  UPDATE: "UPDATE",
  DELETE: "DELETE",
};

function skipWords(rw: SqlRewriter, i: number, words: string[]): number {
  let j = i;
  while (rw.tokens[j]!.kind === "word" && words.includes(rw.tokens[j]!.upper)) j++;
  return j;
}

function storeCall(
  ctx: CompileContext,
  def: TableDef,
  col: ColumnDef,
  row: number,
): [string, string] {
  return [`mysql_store(`, `, ${ctx.specId(def, col)}, ${row})`];
}

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

function compileInsert(ctx: CompileContext, rw: SqlRewriter): WriteInfo {
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

/** One value for column `col`: DEFAULT, or an expression wrapped in mysql_store(). */
function valueExpression(
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
function defaultSql(col: ColumnDef): string {
  const d = col.default;
  if (col.autoIncrement || d === null || d.kind === "null") return "NULL";
  if (d.kind === "now") return `mysql_now(${d.fsp})`;
  return typeof d.value === "number"
    ? String(d.value)
    : `'${String(d.value).replaceAll("'", "''")}'`;
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

/** `a = expr, b = expr` (SET of INSERT / UPDATE / ON DUPLICATE KEY UPDATE). */
function setAssignments(
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

function compileUpdate(ctx: CompileContext, rw: SqlRewriter): WriteInfo {
  let j = skipWords(rw, 1, ["LOW_PRIORITY"]);
  const ignore = rw.isWord(j, "IGNORE");
  if (ignore) j++;
  const target = targetTable(ctx, rw, j);
  j = target.next;
  const alias = rw.aliasName(j);
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
  j = whereOrderLimit(rw, def, table, set.next);
  return { target: def, rowCount: 0, ignore, upsert: false, replace: false };
}

/** WHERE ... [ORDER BY ...] [LIMIT n]; ORDER BY / LIMIT become `rowid IN (SELECT ...)`. */
function whereOrderLimit(rw: SqlRewriter, def: TableDef, table: string, i: number): number {
  const start = rw.out.length;
  const f = newFrame();
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

function compileDelete(ctx: CompileContext, rw: SqlRewriter): WriteInfo {
  let j = skipWords(rw, 1, ["LOW_PRIORITY", "QUICK", "IGNORE"]);
  if (!rw.isWord(j, "FROM")) {
    throw new MysqlError(
      ER.ER_NOT_SUPPORTED_YET,
      "This version of MySQL doesn't yet support 'multi-table DELETE'",
    );
  }
  const target = targetTable(ctx, rw, j + 1);
  j = target.next;
  const alias = rw.aliasName(j);
  if (alias) {
    j = alias.next;
    rw.tables[rw.tables.length - 1]!.alias = alias.name;
  }
  const def = target.def;
  const table = `${quoteStore(storeName(def.db, def.name))} AS ${
    quoteStore(alias?.name ?? target.alias)
  }`;
  rw.emit(`DELETE FROM ${table}`, 0);
  whereOrderLimit(rw, def, table, j);
  return { target: def, rowCount: 0, ignore: false, upsert: false, replace: false };
}

/** Tokenise and compile (for callers without tokens). */
export function compileText(ctx: CompileContext, sql: string): Plan {
  return compileDml(ctx, sql, tokenize(sql));
}
