/**
 * CREATE TABLE: parsing MySQL's table definition (columns, keys, table options) into a
 * `TableDef`, with MySQL's checks (1060, 1061, 1068, 1072, 1075, 1113).
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import { parseColumnDefinition, skipBalanced, skipReferences } from "./column_definition.ts";
import { type IndexDef, isIntegerType, type KeyPart, type TableDef } from "../store/table_def.ts";
import { findCharset, findCollation } from "../variables/charsets.ts";

/** A parsed CREATE TABLE body. */
export interface TableSpec {
  def: TableDef;
  autoIncrement: number | null;
}

/** Key parts: `(a, b(10) DESC)`. */
export function parseKeyParts(cur: TokenCursor): KeyPart[] {
  cur.expectOp("(");
  const parts: KeyPart[] = [];
  do {
    const column = cur.ident();
    let length: number | null = null;
    if (cur.acceptOp("(")) {
      length = cur.integer();
      cur.expectOp(")");
    }
    let desc = false;
    if (cur.acceptWord("DESC")) desc = true;
    else cur.acceptWord("ASC");
    parts.push({ column, length, desc });
  } while (cur.acceptOp(","));
  cur.expectOp(")");
  return parts;
}

function skipIndexOptions(cur: TokenCursor): string {
  let comment = "";
  for (;;) {
    if (cur.acceptWord("USING")) cur.next();
    else if (cur.acceptWord("COMMENT")) comment = cur.name();
    else if (cur.acceptWord("KEY_BLOCK_SIZE")) {
      cur.acceptOp("=");
      cur.next();
    } else if (cur.acceptWord("VISIBLE") || cur.acceptWord("INVISIBLE")) continue;
    else return comment;
  }
}

/** A key definition inside CREATE TABLE / ALTER TABLE ADD; null when not a key. */
export function parseKeyDefinition(cur: TokenCursor): IndexDef | null {
  const save = cur.pos;
  let constraint: string | null = null;
  if (cur.acceptWord("CONSTRAINT")) {
    if (
      !cur.isWord("PRIMARY") && !cur.isWord("UNIQUE") && !cur.isWord("FOREIGN") &&
      !cur.isWord("CHECK")
    ) {
      constraint = cur.ident();
    }
  }
  let kind: IndexDef["kind"];
  if (cur.acceptWord("PRIMARY", "KEY")) kind = "primary";
  else if (cur.acceptWord("UNIQUE")) {
    if (!cur.acceptWord("KEY")) cur.acceptWord("INDEX");
    kind = "unique";
  } else if (cur.acceptWord("KEY") || cur.acceptWord("INDEX")) kind = "index";
  else if (cur.acceptWord("FULLTEXT") || cur.acceptWord("SPATIAL")) {
    if (!cur.acceptWord("KEY")) cur.acceptWord("INDEX");
    kind = "index";
  } else if (cur.acceptWord("FOREIGN", "KEY")) {
    if (!cur.isOp("(")) cur.ident();
    parseKeyParts(cur);
    cur.expectWord("REFERENCES");
    skipReferences(cur);
    return { name: "", kind: "index", parts: [], comment: "" };
  } else if (cur.acceptWord("CHECK")) {
    skipBalanced(cur);
    if (cur.acceptWord("NOT")) cur.expectWord("ENFORCED");
    else cur.acceptWord("ENFORCED");
    return { name: "", kind: "index", parts: [], comment: "" };
  } else {
    cur.pos = save;
    return null;
  }
  let name = constraint ?? "";
  if (!cur.isOp("(") && !cur.isWord("USING")) name = cur.ident();
  if (cur.acceptWord("USING")) cur.next();
  const parts = parseKeyParts(cur);
  const comment = skipIndexOptions(cur);
  return { name: kind === "primary" ? "PRIMARY" : name, kind, parts, comment };
}

/** Parse `( definitions ) options` into a new TableDef for `db`.`name`. */
export function parseTableBody(
  cur: TokenCursor,
  db: string,
  name: string,
  defaults: { charset: string; collation: string },
): TableSpec {
  const def: TableDef = {
    db,
    name,
    columns: [],
    indexes: [],
    engine: "InnoDB",
    charset: defaults.charset,
    collation: defaults.collation,
    comment: "",
    created: Math.floor(Date.now() / 1000),
    temporary: false,
  };
  // Table options can change the default charset of the columns: read them first.
  const bodyStart = cur.pos;
  skipBalanced(cur);
  const autoIncrement = parseTableOptions(cur, def);
  const end = cur.pos;
  cur.pos = bodyStart;
  cur.expectOp("(");
  const inline: IndexDef[] = [];
  const keys: IndexDef[] = [];
  do {
    const key = parseKeyDefinition(cur);
    if (key) {
      if (key.parts.length > 0) keys.push(key);
      continue;
    }
    const p = parseColumnDefinition(cur, def.charset, def.collation);
    if (def.columns.some((c) => c.name.toLowerCase() === p.column.name.toLowerCase())) {
      throw new MysqlError(ER.ER_DUP_FIELDNAME, `Duplicate column name '${p.column.name}'`);
    }
    def.columns.push(p.column);
    const part = [{ column: p.column.name, length: null, desc: false }];
    if (p.primary) inline.push({ name: "PRIMARY", kind: "primary", parts: part, comment: "" });
    if (p.unique) inline.push({ name: "", kind: "unique", parts: part, comment: "" });
  } while (cur.acceptOp(","));
  cur.expectOp(")");
  cur.pos = end;
  // MySQL lists the primary key first, then unique keys, then the others, in declaration order.
  for (const k of [...inline, ...keys]) addIndex(def, k);
  finishTable(def);
  return { def, autoIncrement };
}

/** Add a key, naming it as MySQL does (first column, then _2, _3 ...) and checking duplicates. */
export function addIndex(def: TableDef, key: IndexDef): void {
  for (const p of key.parts) {
    const col = def.columns.find((c) => c.name.toLowerCase() === p.column.toLowerCase());
    if (!col) {
      throw new MysqlError(
        ER.ER_KEY_COLUMN_DOES_NOT_EXITS,
        `Key column '${p.column}' doesn't exist in table`,
      );
    }
    p.column = col.name;
    if (key.kind === "primary") col.nullable = false;
  }
  if (key.kind === "primary") {
    if (def.indexes.some((i) => i.kind === "primary")) {
      throw new MysqlError(ER.ER_MULTIPLE_PRI_KEY, "Multiple primary key defined");
    }
  } else if (key.name === "") {
    const base = key.parts[0]!.column;
    let n = base;
    for (let k = 2; def.indexes.some((i) => i.name.toLowerCase() === n.toLowerCase()); k++) {
      n = `${base}_${k}`;
    }
    key.name = n;
  } else if (def.indexes.some((i) => i.name.toLowerCase() === key.name.toLowerCase())) {
    throw new MysqlError(ER.ER_DUP_KEYNAME, `Duplicate key name '${key.name}'`);
  }
  if (key.kind === "primary") def.indexes.unshift(key);
  else if (key.kind === "unique") {
    const at = def.indexes.findIndex((i) => i.kind === "index");
    def.indexes.splice(at < 0 ? def.indexes.length : at, 0, key);
  } else def.indexes.push(key);
}

/** Checks that hold for every table definition. */
export function finishTable(def: TableDef): void {
  if (def.columns.length === 0) {
    throw new MysqlError(ER.ER_TABLE_MUST_HAVE_COLUMNS, "A table must have at least 1 column");
  }
  const auto = def.columns.filter((c) => c.autoIncrement);
  const autoOk = auto.length === 0 ||
    (auto.length === 1 && def.indexes.some((i) => i.parts[0]?.column === auto[0]!.name));
  if (
    !autoOk ||
    auto.some((c) => !isIntegerType(c.dataType) && !["float", "double"].includes(c.dataType))
  ) {
    throw new MysqlError(
      ER.ER_WRONG_AUTO_KEY,
      "Incorrect table definition; there can be only one auto column and it must be defined as a key",
    );
  }
}

/** Table options after the definitions; returns AUTO_INCREMENT=n when given. */
export function parseTableOptions(cur: TokenCursor, def: TableDef): number | null {
  let auto: number | null = null;
  while (
    !cur.atEnd() && !cur.isWord("AS") && !cur.isWord("SELECT") && !cur.isWord("IGNORE") &&
    !cur.isWord("REPLACE")
  ) {
    if (cur.acceptOp(",")) continue;
    cur.acceptWord("DEFAULT");
    if (cur.acceptWord("ENGINE") || cur.acceptWord("TYPE")) {
      cur.acceptOp("=");
      const e = cur.name();
      def.engine = e.toLowerCase() === "innodb"
        ? "InnoDB"
        : e.toLowerCase() === "myisam"
        ? "MyISAM"
        : e;
    } else if (cur.acceptWord("CHARSET") || cur.acceptWord("CHARACTER", "SET")) {
      cur.acceptOp("=");
      const cs = findCharset(cur.name());
      if (!cs) throw cur.error();
      def.charset = cs.name;
      def.collation = cs.defaultCollation;
    } else if (cur.acceptWord("COLLATE")) {
      cur.acceptOp("=");
      const c = findCollation(cur.name());
      if (!c) throw cur.error();
      def.collation = c.name;
      def.charset = c.charset;
    } else if (cur.acceptWord("AUTO_INCREMENT")) {
      cur.acceptOp("=");
      auto = cur.integer();
    } else if (cur.acceptWord("COMMENT")) {
      cur.acceptOp("=");
      def.comment = cur.name();
    } else if (cur.acceptWord("PARTITION")) {
      while (!cur.atEnd()) cur.next();
    } else {
      // ROW_FORMAT, KEY_BLOCK_SIZE, STATS_PERSISTENT, CHECKSUM, ...: accepted and ignored.
      const t = cur.next();
      if (t.kind !== "word") throw cur.error();
      cur.acceptOp("=");
      cur.next();
    }
  }
  return auto;
}
