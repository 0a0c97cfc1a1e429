/**
 * The clauses of a SELECT in the rewriter: WHERE / HAVING / GROUP BY / ORDER BY (positions stay
 * literal), LIMIT (MySQL's `LIMIT offset, count` becomes `LIMIT count OFFSET offset`), set
 * operators, locking clauses (FOR UPDATE marks the plan as writing), INTO @var and WITH.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { quoteStore } from "../store/table_def.ts";
import type { Frame } from "./rewrite_frame.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";
import { endWhere, openWhere } from "./rewrite_scan_check.ts";

export function clauseWord(rw: SqlRewriter, i: number, f: Frame): number {
  const u = rw.tokens[i]!.upper;
  rw.closeItem(i, f);
  f.inFrom = false;
  f.selectList = false;
  f.list = "";
  if (u === "WHERE") {
    rw.emit("WHERE", i);
    rw.clause("where clause");
    openWhere(rw, f);
    return i + 1;
  }
  endWhere(rw, f);
  switch (u) {
    case "HAVING":
      rw.emit("HAVING", i);
      rw.clause("having clause");
      return i + 1;
    case "GROUP":
    case "ORDER":
      if (!rw.isWord(i + 1, "BY")) throw rw.errorAt(i + 1);
      rw.emit(`${u} BY`, i);
      rw.clause(u === "GROUP" ? "group statement" : "order clause");
      f.list = u === "GROUP" ? "group" : "order";
      return listStart(rw, i + 2, f);
    case "LIMIT":
      return limit(rw, i, f);
    case "UNION":
    case "EXCEPT":
    case "INTERSECT":
      return setOperator(rw, i);
    case "FOR":
    case "LOCK":
      return lockClause(rw, i);
    case "INTO":
      return into(rw, i);
  }
  rw.emit(u, i);
  return i + 1;
}

/** Positions in ORDER BY / GROUP BY lists (ORDER BY 2) stay literal numbers in the SQL. */
export function listStart(rw: SqlRewriter, i: number, f: Frame): number {
  const t = rw.tokens[i]!;
  const after = rw.tokens[i + 1]!;
  const ends = after.kind === "eof" ||
    (after.kind === "op" && [",", ")", ";"].includes(after.value)) ||
    (after.kind === "word" &&
      ["ASC", "DESC", "LIMIT", "HAVING", "ORDER", "UNION", "FOR", "LOCK", "WITH", "INTO"]
        .includes(after.upper));
  if (t.kind === "number" && ends && f.list !== "") {
    rw.emit(rw.pinValue(i), i);
    return i + 1;
  }
  return i;
}

export function limit(rw: SqlRewriter, i: number, f: Frame): number {
  if (f.top && rw.limitOut < 0) {
    rw.limitOut = rw.out.length;
    rw.limitSlots = rw.slots.length;
  }
  rw.emit("LIMIT", i);
  const a = i + 1;
  if (rw.isOp(a + 1, ",")) {
    // LIMIT offset, count → LIMIT count OFFSET offset
    rw.emitValue(a + 2);
    rw.emit("OFFSET");
    rw.emitValue(a);
    return a + 3;
  }
  rw.emitValue(a);
  if (rw.isWord(a + 1, "OFFSET")) {
    rw.emit("OFFSET", a + 1);
    rw.emitValue(a + 2);
    return a + 3;
  }
  return a + 1;
}

export function setOperator(rw: SqlRewriter, i: number): number {
  const u = rw.tokens[i]!.upper;
  let j = i + 1;
  let text = u;
  if (rw.isWord(j, "ALL")) {
    text += " ALL";
    j++;
  } else if (rw.isWord(j, "DISTINCT")) j++;
  rw.emit(text, i);
  if (rw.isOp(j, "(")) return parenthesisedSelect(rw, j);
  return j;
}

/** `(SELECT ...)` as a UNION member: SQLite wants `SELECT * FROM (SELECT ...)`. */
export function parenthesisedSelect(rw: SqlRewriter, i: number): number {
  rw.emit("SELECT * FROM", i);
  return rw.group(i);
}

export function lockClause(rw: SqlRewriter, i: number): number {
  let j = i;
  if (rw.isWord(j, "FOR") && (rw.isWord(j + 1, "UPDATE") || rw.isWord(j + 1, "SHARE"))) {
    rw.forUpdate ||= rw.isWord(j + 1, "UPDATE");
    j += 2;
    if (rw.isWord(j, "OF")) {
      j++;
      while (
        rw.tokens[j]!.kind === "word" || rw.tokens[j]!.kind === "quoted" ||
        rw.isOp(j, ",")
      ) j++;
    }
    if (rw.isWord(j, "NOWAIT")) j++;
    else if (rw.isWord(j, "SKIP") && rw.isWord(j + 1, "LOCKED")) j += 2;
    return j;
  }
  if (
    rw.isWord(j, "LOCK") && rw.isWord(j + 1, "IN") && rw.isWord(j + 2, "SHARE") &&
    rw.isWord(j + 3, "MODE")
  ) {
    return j + 4;
  }
  throw rw.errorAt(i);
}

export function into(rw: SqlRewriter, i: number): number {
  let j = i + 1;
  for (;;) {
    const t = rw.tokens[j]!;
    if (t.kind !== "user_var") {
      throw new MysqlError(
        ER.ER_NOT_SUPPORTED_YET,
        "This version of MySQL doesn't yet support 'SELECT ... INTO OUTFILE'",
      );
    }
    rw.intoVars.push(t.value);
    j++;
    if (!rw.isOp(j, ",")) return j;
    j++;
  }
}

export function withClause(rw: SqlRewriter, i: number, _f: Frame): number {
  rw.emit("WITH", i);
  let j = i + 1;
  if (rw.isWord(j, "RECURSIVE")) {
    rw.emit("RECURSIVE", j);
    j++;
  }
  for (;;) {
    const name = rw.tokens[j]!;
    if (name.kind !== "word" && name.kind !== "quoted") throw rw.errorAt(j);
    rw.cteNames.add(name.value.toLowerCase());
    rw.emit(quoteStore(name.value), j);
    j++;
    if (rw.isOp(j, "(")) j = rw.group(j);
    if (!rw.isWord(j, "AS")) throw rw.errorAt(j);
    rw.emit("AS", j);
    j = rw.group(j + 1);
    if (!rw.isOp(j, ",")) return j;
    rw.emit(",", j);
    j++;
  }
}
