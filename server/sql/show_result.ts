/**
 * Building informational results (SHOW ...): column metadata, `LIKE 'pattern'` filtering on
 * the first column, and `WHERE expr` filtering through SQLite over the rows as JSON.
 */

import { returnArrays } from "../store/store.ts";
import type { ColumnMeta, RowsResult, SqlValue } from "./types.ts";
import type { TokenCursor } from "./token_cursor.ts";
import type { Session } from "./session.ts";
import { intMeta, textMeta } from "./column_meta.ts";
import { newFrame } from "./rewrite_frame.ts";
import { SqlRewriter } from "./sql_rewriter.ts";
import { literalValue } from "./digest.ts";
import { bindValue } from "./dml_runner.ts";
import { mapStoreError } from "../store/store_errors.ts";
import { readAccess } from "./plan_access.ts";

/** Column spec: a name, or [name, "int"] for integer columns. */
export type ColumnSpec = string | [string, "int"];

/** Metadata of informational columns. */
export function metas(specs: ColumnSpec[]): ColumnMeta[] {
  return specs.map((c) => (typeof c === "string" ? textMeta(c) : intMeta(c[0])));
}

/** MySQL's LIKE as a RegExp (case-insensitive, `\` escapes). */
export function likeRegExp(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\" && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (ch === "%") re += "[\\s\\S]*";
    else if (ch === "_") re += "[\\s\\S]";
    else re += escapeRe(ch);
  }
  return new RegExp(re + "$", "is");
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Apply an optional `LIKE 'p'` / `WHERE expr` at the cursor to rows; then the statement ends. */
export function filtered(
  s: Session,
  c: TokenCursor,
  columns: ColumnMeta[],
  rows: SqlValue[][],
): RowsResult {
  if (c.acceptWord("LIKE")) {
    const t = c.next();
    if (t.kind !== "string") throw c.error();
    c.expectEnd();
    const re = likeRegExp(t.value);
    return { kind: "rows", columns, rows: rows.filter((r) => re.test(String(r[0] ?? ""))) };
  }
  if (c.acceptWord("WHERE")) return whereFiltered(s, c, columns, rows);
  c.expectEnd();
  return { kind: "rows", columns, rows };
}

function whereFiltered(
  s: Session,
  c: TokenCursor,
  columns: ColumnMeta[],
  rows: SqlValue[][],
): RowsResult {
  const rw = new SqlRewriter(c.sql, c.tokens, s);
  const end = rw.run(c.pos, newFrame());
  c.pos = end;
  s.checkAccess(readAccess(rw.tables));
  c.expectEnd();
  const select = columns.map((m, i) =>
    `json_extract(value, '$[${i}]') AS "${m.name.replaceAll('"', '""')}"`
  );
  const sql = `SELECT "_k" FROM (SELECT ${
    select.join(", ")
  }, key AS "_k" FROM json_each(?)) WHERE ${rw.out}`;
  const json = JSON.stringify(
    rows.map((r) => r.map((v) => (typeof v === "bigint" ? Number(v) : v))),
  );
  const literals = c.tokens.filter((t) => ["string", "number", "hex", "bit"].includes(t.kind)).map(
    literalValue,
  );
  const args = rw.slots.map((slot) =>
    slot.kind === "lit"
      ? literals[slot.index] as never
      : slot.kind === "uservar"
      ? bindValue(s.getUserVar(slot.name))
      : null
  );
  try {
    const stmt = s.db.prepare(sql);
    returnArrays(stmt);
    const keep = new Set(
      (s.conn.guard.all(stmt, [json, ...args]) as unknown as unknown[][]).map((r) => Number(r[0])),
    );
    return { kind: "rows", columns, rows: rows.filter((_r, i) => keep.has(i)) };
  } catch (e) {
    throw mapStoreError(e, { clauseAt: () => "where clause", db: s.currentDb });
  }
}
