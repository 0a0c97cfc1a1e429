/**
 * MySQL function calls in the rewriter: a plain call under the name `function_names.ts` gives it,
 * and the calls with their own syntax (CAST, CONVERT, EXTRACT, TRIM,
 * SUBSTRING ... FROM, POSITION, GROUP_CONCAT, DATE_ADD ... INTERVAL).
 */

import { newFrame } from "./rewrite_frame.ts";
import { INTERVAL_UNITS } from "./rewrite_keywords.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";
import { functionName } from "./function_names.ts";

type Special = (rw: SqlRewriter, i: number) => number;

const SPECIALS: Record<string, Special> = {
  CAST: castCall,
  CONVERT: convertCall,
  EXTRACT: extractCall,
  TRIM: trimCall,
  SUBSTRING: substringCall,
  SUBSTR: substringCall,
  MID: substringCall,
  POSITION: positionCall,
  GROUP_CONCAT: groupConcatCall,
  DATE_ADD: (rw, i) => dateAddCall(rw, i, "mysql_date_add"),
  ADDDATE: (rw, i) => dateAddCall(rw, i, "mysql_date_add"),
  DATE_SUB: (rw, i) => dateAddCall(rw, i, "mysql_date_sub"),
  SUBDATE: (rw, i) => dateAddCall(rw, i, "mysql_date_sub"),
  TIMESTAMPDIFF: unitFirstCall,
  TIMESTAMPADD: unitFirstCall,
  VALUES: valuesCall,
  COUNT: countCall,
};

/** Translate the call whose name is token i (token i+1 is `(`); returns the index after `)`. */
export function rewriteFunction(rw: SqlRewriter, i: number): number {
  const upper = rw.tokens[i]!.upper;
  const special = SPECIALS[upper];
  if (special) return special(rw, i);
  rw.emit(functionName(upper), i);
  return rw.group(i + 1);
}

/** Emit args from token `from` until `)` or one of the keywords; returns where it stopped. */
function argsUntil(rw: SqlRewriter, from: number, words: string[]): number {
  return rw.run(from, newFrame(), (t) => t.kind === "word" && words.includes(t.upper));
}

function closeAt(rw: SqlRewriter, j: number): number {
  if (!rw.isOp(j, ")")) throw rw.errorAt(j);
  rw.emit(")", j);
  return j + 1;
}

/** The type words of CAST / CONVERT up to `)`; literal numbers in it are pinned. */
function typeText(rw: SqlRewriter, from: number): { text: string; end: number } {
  let j = from;
  const parts: string[] = [];
  let depth = 0;
  for (;;) {
    const t = rw.tokens[j]!;
    if (t.kind === "eof") throw rw.errorAt(j);
    if (t.kind === "op" && t.value === ")" && depth === 0) break;
    if (t.kind === "op" && t.value === "(") depth++;
    if (t.kind === "op" && t.value === ")") depth--;
    parts.push(t.kind === "number" ? rw.pinValue(j) : t.kind === "word" ? t.upper : t.value);
    j++;
  }
  return {
    text: parts.join(" ").replace(/ \( /g, "(").replace(/ , /g, ",").replace(/ \)/g, ")"),
    end: j,
  };
}

function castCall(rw: SqlRewriter, i: number): number {
  rw.emit("mysql_cast(", i);
  const j = argsUntil(rw, i + 2, ["AS"]);
  if (!rw.isWord(j, "AS")) throw rw.errorAt(j);
  const type = typeText(rw, j + 1);
  rw.emit(`, '${type.text}'`);
  return closeAt(rw, type.end);
}

function convertCall(rw: SqlRewriter, i: number): number {
  const start = rw.out.length;
  rw.emit("mysql_cast(", i);
  const j = argsUntil(rw, i + 2, ["USING"]);
  if (rw.isWord(j, "USING")) {
    // CONVERT(x USING charset): the store is all UTF-8.
    rw.out = rw.out.slice(0, start) + rw.out.slice(start).replace("mysql_cast(", "(");
    return closeAt(rw, j + 2);
  }
  if (!rw.isOp(j, ",")) throw rw.errorAt(j);
  const type = typeText(rw, j + 1);
  rw.emit(`, '${type.text}'`);
  return closeAt(rw, type.end);
}

function extractCall(rw: SqlRewriter, i: number): number {
  const unit = rw.tokens[i + 2]!;
  if (unit.kind !== "word" || !INTERVAL_UNITS.has(unit.upper) || !rw.isWord(i + 3, "FROM")) {
    throw rw.errorAt(i + 2);
  }
  rw.emit(`mysql_extract('${unit.upper}',`, i);
  return closeAt(rw, rw.run(i + 4, newFrame()));
}

function trimCall(rw: SqlRewriter, i: number): number {
  let j = i + 2;
  let mode = "BOTH";
  const t = rw.tokens[j]!;
  if (t.kind === "word" && ["BOTH", "LEADING", "TRAILING"].includes(t.upper)) {
    mode = t.upper;
    j++;
  }
  rw.emit("mysql_trim(", i);
  if (rw.isWord(j, "FROM")) {
    rw.emit("' '");
    j++;
  } else {
    const k = argsUntil(rw, j, ["FROM"]);
    if (!rw.isWord(k, "FROM")) {
      // TRIM(str): the argument just emitted is the string.
      rw.emit(`, ' ', '${mode}')`);
      return closeAtNoEmit(rw, k);
    }
    j = k + 1;
  }
  rw.emit(",");
  const k = rw.run(j, newFrame());
  rw.emit(`, '${mode}', 1`);
  return closeAt(rw, k);
}

function closeAtNoEmit(rw: SqlRewriter, j: number): number {
  if (!rw.isOp(j, ")")) throw rw.errorAt(j);
  return j + 1;
}

function substringCall(rw: SqlRewriter, i: number): number {
  rw.emit("mysql_substring(", i);
  let j = argsUntil(rw, i + 2, ["FROM"]);
  if (rw.isWord(j, "FROM")) {
    rw.emit(",", j);
    j = argsUntil(rw, j + 1, ["FOR"]);
    if (rw.isWord(j, "FOR")) {
      rw.emit(",", j);
      j = rw.run(j + 1, newFrame());
    }
  }
  return closeAt(rw, j);
}

function positionCall(rw: SqlRewriter, i: number): number {
  rw.emit("mysql_locate(", i);
  const j = argsUntil(rw, i + 2, ["IN"]);
  if (!rw.isWord(j, "IN")) throw rw.errorAt(j);
  rw.emit(",", j);
  return closeAt(rw, rw.run(j + 1, newFrame()));
}

function groupConcatCall(rw: SqlRewriter, i: number): number {
  rw.emit("group_concat(", i);
  let j = i + 2;
  const distinct = rw.isWord(j, "DISTINCT");
  if (distinct) {
    rw.emit("DISTINCT", j);
    j++;
  }
  const exprStart = rw.out.length;
  j = argsUntil(rw, j, ["ORDER", "SEPARATOR"]);
  // Several expressions are concatenated, as MySQL does.
  const exprs = rw.out.slice(exprStart);
  if (exprs.includes(",")) rw.out = rw.out.slice(0, exprStart) + ` mysql_concat(${exprs})`;
  let order = "";
  if (rw.isWord(j, "ORDER")) {
    const before = rw.out.length;
    rw.emit("ORDER BY", j);
    j = argsUntil(rw, j + 2, ["SEPARATOR"]);
    order = rw.out.slice(before);
    rw.out = rw.out.slice(0, before);
  }
  if (rw.isWord(j, "SEPARATOR")) {
    if (!distinct) {
      rw.emit(",");
      rw.emitValue(j + 1);
    }
    j += 2;
  } else if (!distinct) {
    rw.emit(", ','");
  }
  rw.out += order;
  return closeAt(rw, j);
}

function dateAddCall(rw: SqlRewriter, i: number, fn: string): number {
  rw.emit(`${fn}(`, i);
  const j = argsUntil(rw, i + 2, []);
  if (!rw.isOp(j, ",")) throw rw.errorAt(j);
  rw.emit(",", j);
  if (rw.isWord(j + 1, "INTERVAL")) return closeAt(rw, rw.intervalBody(j + 2));
  // ADDDATE(d, n): n days.
  const k = rw.run(j + 1, newFrame());
  rw.emit(", 'DAY'");
  return closeAt(rw, k);
}

function unitFirstCall(rw: SqlRewriter, i: number): number {
  const unit = rw.tokens[i + 2]!;
  if (unit.kind !== "word" || !INTERVAL_UNITS.has(unit.upper) || !rw.isOp(i + 3, ",")) {
    throw rw.errorAt(i + 2);
  }
  rw.emit(`mysql_${rw.tokens[i]!.upper.toLowerCase()}('${unit.upper}',`, i);
  return closeAt(rw, rw.run(i + 4, newFrame()));
}

/** VALUES(c) in ON DUPLICATE KEY UPDATE is the value the row would have had: excluded.c. */
function valuesCall(rw: SqlRewriter, i: number): number {
  const col = rw.tokens[i + 2]!;
  if (!rw.valuesAsExcluded || !rw.isOp(i + 3, ")")) throw rw.errorAt(i);
  rw.emit(`excluded."${col.value.replaceAll('"', '""')}"`, i);
  return i + 4;
}

function countCall(rw: SqlRewriter, i: number): number {
  rw.emit("count", i);
  return rw.group(i + 1);
}
