/**
 * MySQL function calls in the rewriter: names mapped onto SQLite built-ins or onto the MySQL
 * functions registered by `mysql_functions.ts`, and the calls with their own syntax (CAST,
 * CONVERT, EXTRACT, TRIM, SUBSTRING ... FROM, POSITION, GROUP_CONCAT, DATE_ADD ... INTERVAL).
 */

import { INTERVAL_UNITS, newFrame, type SqlRewriter } from "./sql_rewriter.ts";

/** MySQL function name → the function called in SQLite. Names not listed pass through. */
const RENAMES: Record<string, string> = {
  IF: "iif",
  IFNULL: "ifnull",
  NULLIF: "nullif",
  COALESCE: "coalesce",
  CONCAT: "mysql_concat",
  CONCAT_WS: "mysql_concat_ws",
  LENGTH: "mysql_length",
  OCTET_LENGTH: "mysql_length",
  CHAR_LENGTH: "length",
  CHARACTER_LENGTH: "length",
  UCASE: "upper",
  LCASE: "lower",
  LEFT: "mysql_left",
  RIGHT: "mysql_right",
  SUBSTRING: "mysql_substring",
  SUBSTR: "mysql_substring",
  MID: "mysql_substring",
  LOCATE: "mysql_locate",
  GREATEST: "max",
  LEAST: "min",
  CEILING: "mysql_ceil",
  POWER: "mysql_pow",
  SCHEMA: "mysql_database",
  SESSION_USER: "mysql_user",
  SYSTEM_USER: "mysql_user",
  NOW: "mysql_now",
  SYSDATE: "mysql_now",
  LOCALTIME: "mysql_now",
  LOCALTIMESTAMP: "mysql_now",
  CURRENT_TIMESTAMP: "mysql_now",
  CURDATE: "mysql_curdate",
  CURRENT_DATE: "mysql_curdate",
  CURTIME: "mysql_curtime",
  CURRENT_TIME: "mysql_curtime",
  DAYOFMONTH: "mysql_day",
  SHA: "mysql_sha1",
  RAND: "mysql_rand",
  ISNULL: "mysql_isnull",
  JSON_EXTRACT: "json_extract",
  JSON_OBJECT: "json_object",
  JSON_ARRAY: "json_array",
  JSON_VALID: "json_valid",
  JSON_TYPE: "mysql_json_type",
  JSON_LENGTH: "json_array_length",
};

/** MySQL functions registered under `mysql_<name>` (see mysql_functions.ts). */
export const REGISTERED = new Set([
  "DATABASE",
  "USER",
  "CURRENT_USER",
  "VERSION",
  "CONNECTION_ID",
  "LAST_INSERT_ID",
  "ROW_COUNT",
  "FOUND_ROWS",
  "SLEEP",
  "UTC_TIMESTAMP",
  "UTC_DATE",
  "UTC_TIME",
  "UNIX_TIMESTAMP",
  "FROM_UNIXTIME",
  "DATE_FORMAT",
  "DATEDIFF",
  "TIMEDIFF",
  "YEAR",
  "MONTH",
  "DAY",
  "HOUR",
  "MINUTE",
  "SECOND",
  "MICROSECOND",
  "DAYOFWEEK",
  "DAYOFYEAR",
  "WEEKDAY",
  "DAYNAME",
  "MONTHNAME",
  "QUARTER",
  "WEEK",
  "LAST_DAY",
  "TO_DAYS",
  "FROM_DAYS",
  "STR_TO_DATE",
  "MAKEDATE",
  "DATE",
  "TIME",
  "TIMESTAMP",
  "SUBSTRING_INDEX",
  "LPAD",
  "RPAD",
  "REPEAT",
  "REVERSE",
  "SPACE",
  "ASCII",
  "ORD",
  "CHAR",
  "HEX",
  "UNHEX",
  "MD5",
  "SHA1",
  "SHA2",
  "TO_BASE64",
  "FROM_BASE64",
  "UUID",
  "ROUND",
  "TRUNCATE",
  "FLOOR",
  "CEIL",
  "MOD",
  "POW",
  "SQRT",
  "SIGN",
  "PI",
  "EXP",
  "LN",
  "LOG",
  "LOG2",
  "LOG10",
  "SIN",
  "COS",
  "TAN",
  "ASIN",
  "ACOS",
  "ATAN",
  "ATAN2",
  "COT",
  "DEGREES",
  "RADIANS",
  "FORMAT",
  "FIELD",
  "ELT",
  "FIND_IN_SET",
  "STRCMP",
  "BIT_LENGTH",
  "INSERT",
  "INSTR",
  "JSON_UNQUOTE",
  "CONV",
  "BIN",
  "OCT",
  "INET_ATON",
  "INET_NTOA",
  "UUID_SHORT",
  "REGEXP_LIKE",
  "REGEXP_REPLACE",
  "ADDTIME",
  "SUBTIME",
  "SEC_TO_TIME",
  "TIME_TO_SEC",
  "PERIOD_ADD",
  "MAKETIME",
  "YEARWEEK",
  "BENCHMARK",
  "GET_LOCK",
  "RELEASE_LOCK",
  "IS_FREE_LOCK",
  "RELEASE_ALL_LOCKS",
  "CHARSET",
  "COLLATION",
  "COERCIBILITY",
  "QUOTE",
  "UPPER",
  "LOWER",
  "LTRIM",
  "RTRIM",
  "ABS",
  "CRC32",
  "TIMESTAMPDIFF",
  "TIMESTAMPADD",
]);

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

/** The SQLite function name for MySQL function `upper` (a word followed by `(`). */
export function functionName(upper: string): string {
  return RENAMES[upper] ??
    (REGISTERED.has(upper) ? `mysql_${upper.toLowerCase()}` : upper.toLowerCase());
}

/** MySQL functions that may be written without parentheses (CURRENT_TIMESTAMP), or null. */
export function rewriteBareFunction(upper: string): string | null {
  switch (upper) {
    case "CURRENT_TIMESTAMP":
    case "LOCALTIME":
    case "LOCALTIMESTAMP":
      return "mysql_now()";
    case "CURRENT_DATE":
      return "mysql_curdate()";
    case "CURRENT_TIME":
      return "mysql_curtime()";
    case "CURRENT_USER":
      return "mysql_current_user()";
    case "UTC_TIMESTAMP":
      return "mysql_utc_timestamp()";
    case "UTC_DATE":
      return "mysql_utc_date()";
    case "UTC_TIME":
      return "mysql_utc_time()";
  }
  return null;
}

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
