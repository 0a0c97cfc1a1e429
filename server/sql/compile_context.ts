/**
 * What compiling a DML statement needs from the session (`CompileContext`), what a write
 * statement's compiler reports (`WriteInfo`), and the target table of INSERT / UPDATE / DELETE.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { Token } from "./lexer.ts";
import type { RewriteContext } from "./rewrite_frame.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";
import type { DatabaseSync } from "node:sqlite";
import type { TableAccess } from "./plan.ts";
import type { ColumnDef, TableDef } from "../store/table_def.ts";

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

/** Whether token i ends the statement (the end, or a final `;`). */
export function isEnd(tokens: Token[], i: number): boolean {
  const t = tokens[i]!;
  return t.kind === "eof" || (t.kind === "op" && t.value === ";" && tokens[i + 1]!.kind === "eof");
}

/** What the compiler of a write statement reports for its plan. */
export interface WriteInfo {
  target: TableDef | null;
  autoOmitted?: boolean;
  rowCount: number;
  ignore: boolean;
  upsert: boolean;
  replace: boolean;
}

/** The target table of INSERT / UPDATE / DELETE at token i: returns its def and next index. */
export function targetTable(
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

/** The index after any of `words` starting at token i. */
export function skipWords(rw: SqlRewriter, i: number, words: string[]): number {
  let j = i;
  while (rw.tokens[j]!.kind === "word" && words.includes(rw.tokens[j]!.upper)) j++;
  return j;
}
