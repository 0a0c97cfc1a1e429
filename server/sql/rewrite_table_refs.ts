/**
 * Table references in FROM / JOIN in the rewriter: each MySQL `db.t [AS a]` resolved to its store
 * table (or information_schema view) and recorded for the plan's privilege checks, derived
 * tables, aliases and index hints (accepted and dropped).
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { quoteStore, storeName } from "../store/table_def.ts";
import { INFORMATION_SCHEMA_VIEWS } from "../store/information_schema_views.ts";
import { memoryTableSchema } from "../memory/memory_views.ts";
import { type Frame, newFrame } from "./rewrite_frame.ts";
import { ALIAS_STOP } from "./rewrite_keywords.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";

/** A table reference in FROM / JOIN. */
export function tableRef(rw: SqlRewriter, i: number, f: Frame): number {
  if (rw.isOp(i, "(")) {
    if (rw.isWord(i + 1, "SELECT") || rw.isWord(i + 1, "WITH")) {
      const j = rw.group(i);
      return tableAlias(rw, j, null);
    }
    const inner = newFrame();
    // A parenthesised join: its tables belong to the enclosing level's WHERE.
    inner.scans = f.scans;
    inner.inFrom = true;
    inner.expectTable = true;
    return rw.group(i, inner);
  }
  if (rw.isWord(i, "LATERAL")) throw rw.errorAt(i);
  const first = rw.tokens[i]!;
  if (first.kind !== "word" && first.kind !== "quoted") throw rw.errorAt(i);
  let db: string | null = null;
  let name = first.value;
  let j = i + 1;
  if (rw.isOp(j, ".")) {
    db = name;
    name = rw.tokens[j + 1]!.value;
    j += 2;
  }
  const alias = aliasName(rw, j);
  if (alias !== null) j = alias.next;
  rw.emit(resolveTable(rw, i, db, name, alias?.name ?? name, f), i);
  return skipHints(rw, j);
}

/** Resolve `db.name` to its store table, record it, and return `"db.t" AS "alias"`. */
export function resolveTable(
  rw: SqlRewriter,
  i: number,
  db: string | null,
  name: string,
  alias: string,
  f: Frame,
): string {
  if (db === null && rw.cteNames.has(name.toLowerCase())) {
    f.scans?.push({ alias, rowid: false });
    return alias === name ? quoteStore(name) : `${quoteStore(name)} AS ${quoteStore(alias)}`;
  }
  const memorySchema = memoryTableSchema(
    db,
    name,
    () => rw.ctx.currentDb !== null && !!rw.ctx.findTable(rw.ctx.currentDb, name),
  );
  if (memorySchema !== null) {
    rw.tables.push({ db: memorySchema.db, name: memorySchema.view, alias, def: null });
    return `${quoteStore(memorySchema.store)} AS ${quoteStore(alias)}`;
  }
  const schema = db ?? rw.ctx.currentDb;
  if (schema === null) throw new MysqlError(ER.ER_NO_DB_ERROR, "No database selected");
  if (schema.toLowerCase() === "information_schema") {
    const view = name.toUpperCase();
    if (!INFORMATION_SCHEMA_VIEWS.includes(view)) {
      throw new MysqlError(ER.ER_UNKNOWN_TABLE, `Unknown table '${name}' in information_schema`);
    }
    rw.tables.push({ db: "information_schema", name: view, alias, def: null });
    return `${quoteStore(`information_schema.${view}`)} AS ${quoteStore(alias)}`;
  }
  const def = rw.ctx.findTable(schema, name);
  if (!def) throw rw.ctx.noSuchTable(schema, name, "SELECT");
  void i;
  rw.tables.push({ db: schema, name, alias, def });
  f.scans?.push({ alias, rowid: true });
  return `${quoteStore(storeName(schema, def.name))} AS ${quoteStore(alias)}`;
}

/** `[AS] alias` at token i, or null. */
export function aliasName(rw: SqlRewriter, i: number): { name: string; next: number } | null {
  let j = i;
  const hasAs = rw.isWord(j, "AS");
  if (hasAs) j++;
  const t = rw.tokens[j]!;
  if (t.kind === "quoted" || (hasAs && t.kind === "string")) {
    return { name: t.value, next: j + 1 };
  }
  if (t.kind === "word" && (hasAs || !ALIAS_STOP.has(t.upper))) {
    return { name: t.value, next: j + 1 };
  }
  if (hasAs) throw rw.errorAt(j);
  return null;
}

export function tableAlias(rw: SqlRewriter, i: number, _name: string | null): number {
  const a = aliasName(rw, i);
  if (!a) return i;
  rw.emit(`AS ${quoteStore(a.name)}`, i);
  return a.next;
}

/** Skip index hints: USE / FORCE / IGNORE INDEX|KEY [FOR ...] (list). */
export function skipHints(rw: SqlRewriter, i: number): number {
  let j = i;
  while (
    (rw.isWord(j, "USE") || rw.isWord(j, "FORCE") || rw.isWord(j, "IGNORE")) &&
    (rw.isWord(j + 1, "INDEX") || rw.isWord(j + 1, "KEY"))
  ) {
    j += 2;
    if (rw.isWord(j, "FOR")) {
      j++;
      if (rw.isWord(j, "JOIN")) j++;
      else j += 2;
    }
    if (!rw.isOp(j, "(")) throw rw.errorAt(j);
    while (!rw.isOp(j, ")")) {
      if (rw.tokens[j]!.kind === "eof") throw rw.errorAt(j);
      j++;
    }
    j++;
  }
  return j;
}
