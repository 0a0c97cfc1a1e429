/**
 * Compiles SELECT / INSERT / REPLACE / UPDATE / DELETE into a `Plan`: the rewritten SQLite
 * statement, prepared once, with its result metadata. INSERT and UPDATE values are wrapped in
 * `mysql_store(value, column, row)` so each value is converted and checked for its column.
 */

import { returnArrays } from "../store/store.ts";
import { type Token, tokenize } from "./lexer.ts";
import { newFrame } from "./rewrite_frame.ts";
import { SqlRewriter } from "./sql_rewriter.ts";
import type { Plan, PlanKind } from "./plan.ts";
import type { ColumnMeta } from "./types.ts";
import type { TableDef } from "../store/table_def.ts";
import { mapStoreError } from "../store/store_errors.ts";
import { describeResult } from "./result_columns.ts";
import { planAccess } from "./plan_access.ts";
import { type CompileContext, isEnd, type WriteInfo } from "./compile_context.ts";
import { compileInsert } from "./insert_compiler.ts";
import { compileDelete, compileUpdate } from "./update_delete_compiler.ts";

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

function prepareStore(ctx: CompileContext, rw: SqlRewriter, sql: string, target: TableDef | null) {
  try {
    return ctx.db.prepare(sql);
  } catch (e) {
    throw mapStoreError(e, {
      syntaxAt: (o, near) => rw.syntaxAt(o < 0 && near ? failingOffset(ctx, sql, near) : o, near),
      clauseAt: (o, name) => rw.clauseAt(o, name),
      duplicate: (cols) => ctx.duplicateError(target, cols),
      db: ctx.currentDb,
    });
  }
}

/**
 * Where in `sql` SQLite's parser failed at token `near`: SQLite names the token but not its
 * place, so try each occurrence and keep the first whose prefix already fails on that token
 * (earlier ones leave the prefix merely incomplete). Runs only for statements that failed.
 */
function failingOffset(ctx: CompileContext, sql: string, near: string): number {
  for (let at = sql.indexOf(near); at >= 0; at = sql.indexOf(near, at + 1)) {
    try {
      ctx.db.prepare(sql.slice(0, at + near.length));
    } catch (e) {
      if (String((e as Error).message).startsWith("near ")) return at;
    }
  }
  return -1;
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

/** Tokenise and compile (for callers without tokens). */
export function compileText(ctx: CompileContext, sql: string): Plan {
  return compileDml(ctx, sql, tokenize(sql));
}
