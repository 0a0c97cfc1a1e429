/**
 * MySQL operators in the rewriter, as SQLite spells them: `||` (OR unless PIPES_AS_CONCAT),
 * `&&`, `!`, `<=>`, `/` that never truncates, `DIV`, `MOD`, `XOR`, `x + INTERVAL n unit`, LIKE
 * with MySQL's backslash escape, COLLATE, and the bare words that are functions or keywords.
 */

import { quoteStore } from "../store/table_def.ts";
import type { Frame } from "./rewrite_frame.ts";
import { rewriteFunction } from "./rewrite_functions.ts";
import { rewriteBareFunction } from "./function_names.ts";
import { KEYWORDS } from "./rewrite_keywords.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";
import { listStart } from "./rewrite_clauses.ts";

export function op(rw: SqlRewriter, i: number, f: Frame): number {
  const t = rw.tokens[i]!;
  switch (t.value) {
    case "(":
      return rw.group(i);
    case ",":
      if (f.selectList && f.itemStart >= 0) {
        rw.closeItem(i, f);
        rw.emit(",", i);
        f.itemStart = i + 1;
        f.itemOut = rw.out.length;
        return i + 1;
      }
      rw.emit(",", i);
      if (f.inFrom) f.expectTable = true;
      if (f.list !== "") return listStart(rw, i + 1, f);
      return i + 1;
    case "||":
      rw.emit(rw.ctx.pipesAsConcat ? "||" : "OR", i);
      return i + 1;
    case "&&":
      rw.emit("AND", i);
      return i + 1;
    case "!":
      rw.emit("NOT", i);
      return i + 1;
    case "<=>":
      rw.emit("IS", i);
      return i + 1;
    case "/":
      // MySQL's `/` never truncates: 5/2 is 2.5000.
      rw.emit("* 1.0 /", i);
      return i + 1;
    case "+":
    case "-":
      if (rw.isWord(i + 1, "INTERVAL")) return intervalArithmetic(rw, i);
      break;
    case "*":
      if (f.selectList) rw.primaryStart = rw.out.length;
      break;
  }
  rw.emit(t.value, i);
  return i + 1;
}

/** `x + INTERVAL n unit` → mysql_date_add(x, n, 'unit'). */
export function intervalArithmetic(rw: SqlRewriter, i: number): number {
  const fn = rw.isOp(i, "-") ? "mysql_date_sub" : "mysql_date_add";
  const left = rw.out.slice(rw.primaryStart);
  rw.out = rw.out.slice(0, rw.primaryStart) + `${fn}(${left}`;
  rw.emit(",", i);
  const j = rw.intervalBody(i + 2);
  rw.emit(")");
  return j;
}

export function operatorWord(rw: SqlRewriter, i: number, f: Frame): number {
  const t = rw.tokens[i]!;
  const u = t.upper;
  switch (u) {
    case "LIKE":
      return like(rw, i, f);
    case "REGEXP":
    case "RLIKE":
      rw.emit("REGEXP", i);
      return i + 1;
    case "DIV":
      rw.emit("/", i);
      return i + 1;
    case "MOD":
      rw.emit("%", i);
      return i + 1;
    case "XOR":
      rw.emit("<>", i);
      return i + 1;
    case "UNKNOWN":
      rw.emit("NULL", i);
      return i + 1;
    case "BINARY":
      return i + 1;
    case "COLLATE": {
      const c = rw.tokens[i + 1]!.value.toLowerCase();
      rw.emit(
        c.endsWith("_bin") || c === "binary" || c.endsWith("_cs")
          ? "COLLATE BINARY"
          : "COLLATE NOCASE",
        i,
      );
      return i + 2;
    }
    case "DATE":
    case "TIME":
    case "TIMESTAMP":
      if (rw.tokens[i + 1]!.kind === "string") return i + 1;
      break;
    case "AS":
      return alias(rw, i);
    case "DISTINCTROW":
      rw.emit("DISTINCT", i);
      return i + 1;
    case "INTERVAL":
      throw rw.errorAt(i);
  }
  const bare = rewriteBareFunction(u);
  if (bare !== null) {
    rw.primaryStart = rw.out.length;
    rw.emit(bare, i);
    return i + 1;
  }
  if (KEYWORDS.has(u)) {
    rw.emit(u, i);
    return i + 1;
  }
  return rw.identifier(i);
}

export function alias(rw: SqlRewriter, i: number): number {
  const t = rw.tokens[i + 1]!;
  if (t.kind !== "word" && t.kind !== "quoted" && t.kind !== "string") throw rw.errorAt(i + 1);
  rw.emit(`AS ${quoteStore(t.value)}`, i);
  return i + 2;
}

export function like(rw: SqlRewriter, i: number, _f: Frame): number {
  rw.emit("LIKE", i);
  let j = i + 1;
  const t = rw.tokens[j]!;
  if (t.kind === "word" && rw.isOp(j + 1, "(")) j = rewriteFunction(rw, j);
  else if (rw.isOp(j, "(")) j = rw.group(j);
  else j = t.kind === "word" || t.kind === "quoted" ? rw.identifier(j) : rw.simple(j);
  // MySQL's LIKE escapes with backslash unless told otherwise; SQLite has no default.
  if (!rw.isWord(j, "ESCAPE")) rw.emit("ESCAPE '\\'");
  return j;
}
