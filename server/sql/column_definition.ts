/**
 * Parser for one MySQL column definition: `name type [UNSIGNED] [ZEROFILL] [NOT NULL]
 * [DEFAULT x] [AUTO_INCREMENT] [PRIMARY KEY] [COMMENT 's'] ...` (CREATE TABLE, ALTER TABLE).
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import { type ColumnDef, isBinaryType, isTextType } from "../store/table_def.ts";
import { findCharset, findCollation } from "../variables/charsets.ts";

/** A parsed column and the keys its definition declares inline. */
export interface ParsedColumn {
  column: ColumnDef;
  primary: boolean;
  unique: boolean;
  key: boolean;
}

const INT_ALIASES: Record<string, string> = {
  TINYINT: "tinyint",
  INT1: "tinyint",
  SMALLINT: "smallint",
  INT2: "smallint",
  MEDIUMINT: "mediumint",
  MIDDLEINT: "mediumint",
  INT3: "mediumint",
  INT: "int",
  INTEGER: "int",
  INT4: "int",
  BIGINT: "bigint",
  INT8: "bigint",
};

const SIMPLE: Record<string, string> = {
  TINYTEXT: "tinytext",
  MEDIUMTEXT: "mediumtext",
  LONGTEXT: "longtext",
  TINYBLOB: "tinyblob",
  MEDIUMBLOB: "mediumblob",
  LONGBLOB: "longblob",
  DATE: "date",
  JSON: "json",
};

function blank(name: string, dataType: string): ColumnDef {
  return {
    name,
    dataType,
    length: null,
    scale: null,
    unsigned: false,
    zerofill: false,
    nullable: true,
    default: null,
    autoIncrement: false,
    onUpdateNow: false,
    charset: null,
    collation: null,
    comment: "",
    values: [],
  };
}

/** `(n)` or `(p,s)` after a type name. */
function lengths(cur: TokenCursor): [number | null, number | null] {
  if (!cur.acceptOp("(")) return [null, null];
  const a = cur.integer();
  let b: number | null = null;
  if (cur.acceptOp(",")) b = cur.integer();
  cur.expectOp(")");
  return [a, b];
}

function valueList(cur: TokenCursor): string[] {
  cur.expectOp("(");
  const out: string[] = [];
  do {
    const t = cur.next();
    if (t.kind !== "string") throw cur.error();
    out.push(t.value);
  } while (cur.acceptOp(","));
  cur.expectOp(")");
  return out;
}

/** Parse a data type into `col`. */
export function parseDataType(cur: TokenCursor, col: ColumnDef): void {
  const t = cur.next();
  if (t.kind !== "word") throw cur.error();
  const u = t.upper;
  const int = INT_ALIASES[u];
  if (int) {
    col.dataType = int;
    [col.length] = lengths(cur);
  } else if (u === "BOOL" || u === "BOOLEAN") {
    col.dataType = "tinyint";
    col.length = 1;
  } else if (u === "SERIAL") {
    Object.assign(col, {
      dataType: "bigint",
      unsigned: true,
      nullable: false,
      autoIncrement: true,
    });
  } else if (["DECIMAL", "DEC", "NUMERIC", "FIXED"].includes(u)) {
    col.dataType = "decimal";
    const [p, s] = lengths(cur);
    col.length = p ?? 10;
    col.scale = s ?? 0;
  } else if (u === "FLOAT" || u === "DOUBLE" || u === "REAL") {
    if (u === "DOUBLE") cur.acceptWord("PRECISION");
    const [p, s] = lengths(cur);
    col.dataType = u === "FLOAT" && (p === null || s !== null || p <= 24) ? "float" : "double";
    if (s !== null) [col.length, col.scale] = [p, s];
  } else if (u === "BIT") {
    col.dataType = "bit";
    col.length = lengths(cur)[0] ?? 1;
  } else {
    parseStringOrTemporalType(cur, col, u);
  }
}

function parseStringOrTemporalType(cur: TokenCursor, col: ColumnDef, u: string): void {
  if (u === "CHAR" || u === "CHARACTER" || u === "NCHAR" || u === "NATIONAL") {
    if (u === "NATIONAL") cur.next();
    const varying = cur.acceptWord("VARYING");
    col.dataType = varying ? "varchar" : "char";
    col.length = lengths(cur)[0] ?? (varying ? null : 1);
    if (col.length === null) throw cur.error();
  } else if (u === "VARCHAR" || u === "NVARCHAR" || u === "VARCHARACTER") {
    col.dataType = "varchar";
    const [n] = lengths(cur);
    if (n === null) throw cur.error();
    col.length = n;
  } else if (u === "BINARY" || u === "VARBINARY") {
    col.dataType = u.toLowerCase();
    col.length = lengths(cur)[0] ?? (u === "BINARY" ? 1 : null);
    if (col.length === null) throw cur.error();
  } else if (u === "TEXT" || u === "BLOB") {
    const [n] = lengths(cur);
    const base = u.toLowerCase();
    col.dataType = n === null || n > 65535
      ? (n !== null && n > 16777215 ? `long${base}` : n === null ? base : `medium${base}`)
      : n < 256
      ? `tiny${base}`
      : base;
  } else if (u === "LONG") {
    col.dataType = cur.acceptWord("VARBINARY") ? "mediumblob" : "mediumtext";
    cur.acceptWord("VARCHAR");
  } else if (u === "TIME" || u === "DATETIME" || u === "TIMESTAMP") {
    col.dataType = u.toLowerCase();
    const [fsp] = lengths(cur);
    if (fsp !== null && fsp > 6) {
      throw new MysqlError(
        1426,
        `Too-big precision ${fsp} specified for '${col.name}'. Maximum is 6.`,
      );
    }
    col.scale = fsp;
  } else if (u === "YEAR") {
    col.dataType = "year";
    lengths(cur);
  } else if (u === "ENUM" || u === "SET") {
    col.dataType = u.toLowerCase();
    col.values = valueList(cur);
  } else if (SIMPLE[u]) {
    col.dataType = SIMPLE[u]!;
  } else {
    cur.pos--;
    throw cur.error();
  }
}

/** Parse `name type attributes...` up to `,` or `)`. */
export function parseColumnDefinition(
  cur: TokenCursor,
  tableCharset: string,
  tableCollation: string,
): ParsedColumn {
  const name = cur.ident();
  const col = blank(name, "");
  parseDataType(cur, col);
  const parsed: ParsedColumn = { column: col, primary: false, unique: false, key: false };
  if (col.dataType === "bigint" && col.autoIncrement && !col.nullable) parsed.unique = true;
  while (
    !cur.atEnd() && !cur.isOp(",") && !cur.isOp(")") && !cur.isWord("FIRST") && !cur.isWord("AFTER")
  ) {
    parseAttribute(cur, parsed);
  }
  if (isTextType(col.dataType)) {
    col.charset ??= col.collation
      ? col.collation.slice(0, col.collation.indexOf("_"))
      : tableCharset;
    col.collation ??= col.charset === tableCharset
      ? tableCollation
      : findCharset(col.charset)?.defaultCollation ?? tableCollation;
  }
  if (parsed.primary) col.nullable = false;
  return parsed;
}

function parseAttribute(cur: TokenCursor, p: ParsedColumn): void {
  const col = p.column;
  if (cur.acceptWord("UNSIGNED")) col.unsigned = true;
  else if (cur.acceptWord("SIGNED")) col.unsigned = false;
  else if (cur.acceptWord("ZEROFILL")) col.zerofill = col.unsigned = true;
  else if (cur.acceptWord("NOT", "NULL")) col.nullable = false;
  else if (cur.acceptWord("NULL")) col.nullable = true;
  else if (cur.acceptWord("DEFAULT")) col.default = parseDefault(cur);
  else if (cur.acceptWord("ON", "UPDATE")) {
    nowFunction(cur);
    col.onUpdateNow = true;
  } else if (cur.acceptWord("AUTO_INCREMENT")) col.autoIncrement = true;
  else if (cur.acceptWord("PRIMARY", "KEY")) p.primary = true;
  else if (cur.acceptWord("UNIQUE")) {
    cur.acceptWord("KEY");
    p.unique = true;
  } else if (cur.acceptWord("KEY")) p.primary = true;
  else if (cur.acceptWord("COMMENT")) col.comment = cur.name();
  else if (cur.acceptWord("CHARACTER", "SET") || cur.acceptWord("CHARSET")) setCharset(cur, col);
  else if (cur.acceptWord("COLLATE")) setCollation(cur, col);
  else if (cur.acceptWord("BINARY")) col.collation = "utf8mb4_bin";
  else if (cur.acceptWord("COLUMN_FORMAT") || cur.acceptWord("STORAGE")) cur.next();
  else if (cur.acceptWord("VISIBLE") || cur.acceptWord("INVISIBLE")) return;
  else if (cur.acceptWord("REFERENCES")) skipReferences(cur);
  else if (cur.acceptWord("CHECK") || cur.acceptWord("CONSTRAINT")) skipBalanced(cur);
  else if (cur.acceptWord("SRID")) cur.next();
  else throw cur.error();
}

function setCharset(cur: TokenCursor, col: ColumnDef): void {
  const name = cur.name().toLowerCase();
  const cs = findCharset(name);
  if (!cs) throw new MysqlError(ER.ER_UNKNOWN_CHARACTER_SET, `Unknown character set: '${name}'`);
  col.charset = cs.name;
  if (isBinaryType(col.dataType)) col.charset = null;
}

function setCollation(cur: TokenCursor, col: ColumnDef): void {
  const name = cur.name().toLowerCase();
  const c = findCollation(name);
  if (!c) throw new MysqlError(ER.ER_UNKNOWN_COLLATION, `Unknown collation: '${name}'`);
  col.collation = c.name;
  col.charset = c.charset;
}

/** CURRENT_TIMESTAMP[(n)] / NOW([n]) / LOCALTIMESTAMP ...; returns the fsp. */
function nowFunction(cur: TokenCursor): number {
  const t = cur.next();
  if (
    t.kind !== "word" ||
    !["CURRENT_TIMESTAMP", "NOW", "LOCALTIME", "LOCALTIMESTAMP"].includes(t.upper)
  ) {
    cur.pos--;
    throw cur.error();
  }
  let fsp = 0;
  if (cur.acceptOp("(")) {
    if (!cur.isOp(")")) fsp = cur.integer();
    cur.expectOp(")");
  }
  return fsp;
}

function parseDefault(cur: TokenCursor): ColumnDef["default"] {
  const t = cur.peek();
  if (
    t.kind === "word" &&
    ["CURRENT_TIMESTAMP", "NOW", "LOCALTIME", "LOCALTIMESTAMP"].includes(t.upper)
  ) {
    return { kind: "now", fsp: nowFunction(cur) };
  }
  if (cur.isOp("(")) {
    // DEFAULT (expr): keep literal expressions only.
    cur.next();
    const v = cur.literal();
    cur.expectOp(")");
    return v === null ? { kind: "null" } : { kind: "value", value: v };
  }
  if (t.kind === "hex") {
    cur.next();
    return { kind: "value", value: t.value };
  }
  const v = cur.literal();
  return v === null ? { kind: "null" } : { kind: "value", value: v };
}

/** Skip a parenthesised group (CHECK (...)) or a single name. */
export function skipBalanced(cur: TokenCursor): void {
  if (!cur.isOp("(")) {
    if (!cur.isOp(",") && !cur.isOp(")")) cur.next();
    if (!cur.isOp("(")) return;
  }
  let depth = 0;
  do {
    const t = cur.next();
    if (t.kind === "eof") throw cur.error();
    if (t.kind === "op" && t.value === "(") depth++;
    if (t.kind === "op" && t.value === ")") depth--;
  } while (depth > 0);
}

/** Skip `REFERENCES t (cols) [MATCH ...] [ON DELETE ...] [ON UPDATE ...]` (foreign keys are not enforced). */
export function skipReferences(cur: TokenCursor): void {
  cur.qualified();
  skipBalanced(cur);
  for (;;) {
    if (cur.acceptWord("MATCH")) cur.next();
    else if (cur.acceptWord("ON")) {
      cur.next();
      if (cur.acceptWord("SET")) cur.next();
      else if (cur.acceptWord("NO")) cur.next();
      else cur.next();
    } else return;
  }
}
