/**
 * Evaluating a MySQL expression outside DML (SET values, DO, KILL ids): the expression is
 * rewritten like a select item and run as `SELECT expr` on the session's connection.
 */

import { returnArrays } from "../store/store.ts";
import type { Token } from "./lexer.ts";
import { newFrame } from "./rewrite_frame.ts";
import { SqlRewriter } from "./sql_rewriter.ts";
import { literalValue } from "./digest.ts";
import { bindValue } from "./dml_runner.ts";
import { mapStoreError } from "../store/store_errors.ts";
import type { SqlValue } from "./types.ts";
import type { Session } from "./session.ts";
import { readAccess } from "./plan_access.ts";
import { sysVar } from "./sys_var.ts";

/** Evaluate the expression starting at token `start`, up to a top-level `,` or the end. */
export function evalExpression(
  s: Session,
  sql: string,
  tokens: Token[],
  start: number,
): { value: SqlValue; next: number } {
  const rw = new SqlRewriter(sql, tokens, s);
  const end = rw.run(start, newFrame(), (t) => t.kind === "op" && t.value === ",");
  s.checkAccess(readAccess(rw.tables));
  const literals: unknown[] = [];
  for (const t of tokens) {
    if (t.kind === "string" || t.kind === "number" || t.kind === "hex" || t.kind === "bit") {
      literals.push(literalValue(t));
    }
  }
  const args = rw.slots.map((slot) => {
    switch (slot.kind) {
      case "lit":
        return literals[slot.index] as never;
      case "uservar":
        return bindValue(s.getUserVar(slot.name));
      case "sysvar":
        return bindValue(sysVar(s, slot.name, slot.scope));
      case "const":
        return bindValue(slot.value);
      default:
        return null;
    }
  });
  let row: unknown[] | undefined;
  try {
    const stmt = s.db.prepare(`SELECT ${rw.out}`);
    returnArrays(stmt);
    stmt.setReadBigInts(true);
    row = stmt.get(...args) as unknown as unknown[] | undefined;
  } catch (e) {
    throw mapStoreError(e, {
      syntaxAt: (o, near) => rw.syntaxAt(o < 0 ? o : o - 7, near),
      clauseAt: () => "field list",
      db: s.currentDb,
    });
  }
  let value = (row?.[0] ?? null) as SqlValue;
  if (typeof value === "bigint" && value >= -9007199254740991n && value <= 9007199254740991n) {
    value = Number(value);
  }
  return { value, next: end };
}
