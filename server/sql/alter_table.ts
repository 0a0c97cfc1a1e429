/**
 * ALTER TABLE. SQLite cannot change a column in place, so column changes rebuild the table in
 * one transaction (new table, copy with each value converted for its new column, drop, rename);
 * key changes only create or drop indexes; option changes only touch the catalog.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import type { StatementResult } from "./types.ts";
import type { Session } from "./session.ts";
import { ok } from "./statement_dispatch.ts";
import { parseColumnDefinition } from "./column_definition.ts";
import { addIndex, finishTable, parseKeyDefinition, parseTableOptions } from "./create_table.ts";
import { renameTable, requireTable, runDdl, schemaOf, storedDefault } from "./ddl_statements.ts";
import {
  indexSql,
  indexStoreName,
  nextAutoIncrement,
  setAutoIncrement,
  tableSql,
} from "../store/store_ddl.ts";
import {
  type ColumnDef,
  findColumn,
  quoteStore,
  storeName,
  type TableDef,
} from "../store/table_def.ts";
import { findCharset } from "../variables/charsets.ts";
import { checkTablePrivilege } from "./privilege_checks.ts";

interface AlterState {
  def: TableDef;
  /** New column name → old column name, for the copy. */
  source: Map<string, string>;
  rebuild: boolean;
  rename: { db: string; name: string } | null;
  autoIncrement: number | null;
}

function place(c: TokenCursor, st: AlterState, col: ColumnDef): void {
  const cols = st.def.columns.filter((x) => x !== col);
  if (c.acceptWord("FIRST")) cols.unshift(col);
  else if (c.acceptWord("AFTER")) {
    const after = c.ident();
    const k = cols.findIndex((x) => x.name.toLowerCase() === after.toLowerCase());
    if (k < 0) {
      throw new MysqlError(ER.ER_BAD_FIELD_ERROR, `Unknown column '${after}' in '${st.def.name}'`);
    }
    cols.splice(k + 1, 0, col);
  } else {
    const k = st.def.columns.indexOf(col);
    if (k >= 0) cols.splice(k, 0, col);
    else cols.push(col);
  }
  st.def.columns = cols;
  st.rebuild = true;
}

function addColumn(c: TokenCursor, st: AlterState): void {
  const p = parseColumnDefinition(c, st.def.charset, st.def.collation);
  if (findColumn(st.def, p.column.name)) {
    throw new MysqlError(ER.ER_DUP_FIELDNAME, `Duplicate column name '${p.column.name}'`);
  }
  st.def.columns.push(p.column);
  place(c, st, p.column);
  const part = [{ column: p.column.name, length: null, desc: false }];
  if (p.primary) addIndex(st.def, { name: "PRIMARY", kind: "primary", parts: part, comment: "" });
  if (p.unique) addIndex(st.def, { name: "", kind: "unique", parts: part, comment: "" });
}

function changeColumn(c: TokenCursor, st: AlterState, change: boolean): void {
  const oldName = change ? c.ident() : c.peek().value;
  const old = findColumn(st.def, oldName);
  if (!old) {
    throw new MysqlError(ER.ER_BAD_FIELD_ERROR, `Unknown column '${oldName}' in '${st.def.name}'`);
  }
  const p = parseColumnDefinition(c, st.def.charset, st.def.collation);
  const other = findColumn(st.def, p.column.name);
  if (other && other !== old) {
    throw new MysqlError(ER.ER_DUP_FIELDNAME, `Duplicate column name '${p.column.name}'`);
  }
  const from = st.source.get(old.name) ?? old.name;
  st.source.delete(old.name);
  st.source.set(p.column.name, from);
  st.def.columns[st.def.columns.indexOf(old)] = p.column;
  for (const idx of st.def.indexes) {
    for (const part of idx.parts) if (part.column === old.name) part.column = p.column.name;
  }
  if (
    st.def.indexes.some((i) =>
      i.kind === "primary" && i.parts.some((x) => x.column === p.column.name)
    )
  ) {
    p.column.nullable = false;
  }
  place(c, st, p.column);
}

function dropColumn(c: TokenCursor, st: AlterState): void {
  const name = c.ident();
  const col = findColumn(st.def, name);
  if (!col) {
    throw new MysqlError(
      ER.ER_CANT_DROP_FIELD_OR_KEY,
      `Can't DROP '${name}'; check that column/key exists`,
    );
  }
  st.def.columns = st.def.columns.filter((x) => x !== col);
  st.source.delete(col.name);
  for (const idx of st.def.indexes) idx.parts = idx.parts.filter((p) => p.column !== col.name);
  st.def.indexes = st.def.indexes.filter((i) => i.parts.length > 0);
  st.rebuild = true;
}

function dropKey(c: TokenCursor, st: AlterState): void {
  if (c.acceptWord("PRIMARY", "KEY")) {
    const k = st.def.indexes.findIndex((i) => i.kind === "primary");
    if (k < 0) {
      throw new MysqlError(
        ER.ER_CANT_DROP_FIELD_OR_KEY,
        "Can't DROP 'PRIMARY'; check that column/key exists",
      );
    }
    st.def.indexes.splice(k, 1);
    st.rebuild = true;
    return;
  }
  if (c.acceptWord("FOREIGN", "KEY") || c.acceptWord("CHECK") || c.acceptWord("CONSTRAINT")) {
    c.ident();
    return;
  }
  if (!c.acceptWord("INDEX")) c.expectWord("KEY");
  const name = c.ident();
  const k = st.def.indexes.findIndex((i) => i.name.toLowerCase() === name.toLowerCase());
  if (k < 0) {
    throw new MysqlError(
      ER.ER_CANT_DROP_FIELD_OR_KEY,
      `Can't DROP '${name}'; check that column/key exists`,
    );
  }
  st.def.indexes.splice(k, 1);
}

function alterColumn(c: TokenCursor, st: AlterState): void {
  const name = c.ident();
  const col = findColumn(st.def, name);
  if (!col) {
    throw new MysqlError(ER.ER_BAD_FIELD_ERROR, `Unknown column '${name}' in '${st.def.name}'`);
  }
  if (c.acceptWord("SET", "DEFAULT")) {
    const v = c.isOp("(") ? (c.next(), c.literal()) : c.literal();
    if (c.isOp(")")) c.next();
    col.default = v === null ? { kind: "null" } : { kind: "value", value: v };
  } else if (c.acceptWord("DROP", "DEFAULT")) col.default = null;
  else if (c.acceptWord("SET", "VISIBLE") || c.acceptWord("SET", "INVISIBLE")) return;
  else throw c.error();
  st.rebuild = true;
}

function renameClause(s: Session, c: TokenCursor, st: AlterState): void {
  if (c.acceptWord("COLUMN")) {
    const from = c.ident();
    c.expectWord("TO");
    const to = c.ident();
    const col = findColumn(st.def, from);
    if (!col) {
      throw new MysqlError(ER.ER_BAD_FIELD_ERROR, `Unknown column '${from}' in '${st.def.name}'`);
    }
    const src = st.source.get(col.name) ?? col.name;
    st.source.delete(col.name);
    for (const idx of st.def.indexes) {
      for (const p of idx.parts) if (p.column === col.name) p.column = to;
    }
    col.name = to;
    st.source.set(to, src);
    st.rebuild = true;
  } else if (c.acceptWord("INDEX") || c.acceptWord("KEY")) {
    const from = c.ident();
    c.expectWord("TO");
    const idx = st.def.indexes.find((i) => i.name.toLowerCase() === from.toLowerCase());
    if (!idx) {
      throw new MysqlError(
        ER.ER_KEY_DOES_NOT_EXITS,
        `Key '${from}' doesn't exist in table '${st.def.name}'`,
      );
    }
    idx.name = c.ident();
    st.rebuild = true;
  } else {
    if (!c.acceptWord("TO")) c.acceptWord("AS");
    const q = c.qualified();
    st.rename = { db: schemaOf(s, q.db), name: q.name };
  }
}

function clause(s: Session, c: TokenCursor, st: AlterState): void {
  if (c.acceptWord("ADD")) {
    const key = parseKeyDefinition(c);
    if (key) {
      if (key.parts.length) addIndex(st.def, key);
      if (key.kind === "primary") st.rebuild = true;
      return;
    }
    c.acceptWord("COLUMN");
    if (c.acceptOp("(")) {
      do addColumn(c, st); while (c.acceptOp(","));
      c.expectOp(")");
    } else addColumn(c, st);
  } else if (c.acceptWord("DROP")) {
    if (
      c.acceptWord("COLUMN") ||
      !["PRIMARY", "INDEX", "KEY", "FOREIGN", "CHECK", "CONSTRAINT"].includes(c.peek().upper)
    ) {
      dropColumn(c, st);
    } else dropKey(c, st);
  } else if (c.acceptWord("MODIFY")) {
    c.acceptWord("COLUMN");
    changeColumn(c, st, false);
  } else if (c.acceptWord("CHANGE")) {
    c.acceptWord("COLUMN");
    changeColumn(c, st, true);
  } else if (c.acceptWord("ALTER")) {
    c.acceptWord("COLUMN");
    alterColumn(c, st);
  } else if (c.acceptWord("RENAME")) renameClause(s, c, st);
  else if (
    c.acceptWord("DISABLE", "KEYS") || c.acceptWord("ENABLE", "KEYS") || c.acceptWord("FORCE")
  ) return;
  else if (c.acceptWord("ALGORITHM") || c.acceptWord("LOCK")) {
    c.acceptOp("=");
    c.next();
  } else if (c.acceptWord("CONVERT", "TO")) {
    if (!c.acceptWord("CHARSET")) c.expectWord("CHARACTER"), c.expectWord("SET");
    const cs = findCharset(c.name());
    if (!cs) throw c.error();
    let coll = cs.defaultCollation;
    if (c.acceptWord("COLLATE")) coll = c.name();
    st.def.charset = cs.name;
    st.def.collation = coll;
    for (const col of st.def.columns) {
      if (col.charset) [col.charset, col.collation] = [cs.name, coll];
    }
    st.rebuild = true;
  } else if (c.acceptWord("ORDER", "BY")) {
    while (!c.atEnd() && !c.isOp(",")) c.next();
  } else {
    const before = c.pos;
    const auto = parseOneOption(c, st.def);
    if (c.pos === before) throw c.error();
    if (auto !== null) st.autoIncrement = auto;
  }
}

function parseOneOption(c: TokenCursor, def: TableDef): number | null {
  // parseTableOptions reads options up to the end; stop it at a comma by handing it a slice.
  const end = c.tokens.findIndex((t, i) =>
    i >= c.pos && ((t.kind === "op" && (t.value === "," || t.value === ";")) || t.kind === "eof")
  );
  const sub = Object.create(c) as TokenCursor;
  const tokens = [...c.tokens.slice(0, end), {
    ...c.tokens[c.tokens.length - 1]!,
    start: c.tokens[end]!.start,
  }];
  Object.assign(sub, { tokens, pos: c.pos });
  const auto = parseTableOptions(sub, def);
  c.pos = sub.pos;
  return auto;
}

function rebuild(s: Session, old: TableDef, st: AlterState): void {
  const def = st.def;
  const tmp: TableDef = { ...def, name: `${def.name}#alter` };
  const [createSql] = tableSql(tmp, storedDefault);
  const next = nextAutoIncrement(s.db, old);
  s.db.exec(createSql!);
  const cols = def.columns.filter((col) => st.source.has(col.name));
  const values = cols.map((col) =>
    `mysql_store(${quoteStore(st.source.get(col.name)!)}, ${s.specId(def, col)}, 0)`
  );
  const target = quoteStore(storeName(tmp.db, tmp.name));
  const from = quoteStore(storeName(old.db, old.name));
  if (cols.length) {
    s.beginWriteCounters({ ignore: false } as never);
    s.db.exec(
      `INSERT INTO ${target} (${cols.map((c) => quoteStore(c.name)).join(", ")}) SELECT ${
        values.join(", ")
      } FROM ${from}`,
    );
  }
  s.db.exec(`DROP TABLE ${from}`);
  s.db.exec(`ALTER TABLE ${target} RENAME TO ${quoteStore(storeName(def.db, def.name))}`);
  for (const idx of def.indexes) if (idx.kind !== "primary") s.db.exec(indexSql(def, idx.name));
  if (next !== null && def.columns.some((c) => c.autoIncrement)) {
    setAutoIncrement(s.db, def, st.autoIncrement ?? next);
  }
}

function applyIndexes(s: Session, old: TableDef, def: TableDef): void {
  for (const idx of old.indexes) {
    if (idx.kind === "primary" || def.indexes.some((i) => i.name === idx.name)) continue;
    s.db.exec(`DROP INDEX IF EXISTS ${quoteStore(indexStoreName(old, idx.name))}`);
  }
  for (const idx of def.indexes) {
    if (idx.kind === "primary" || old.indexes.some((i) => i.name === idx.name)) continue;
    s.db.exec(indexSql(def, idx.name));
  }
}

/** ALTER TABLE t clause, clause ... */
export function alterStatement(s: Session, c: TokenCursor): StatementResult {
  c.expectWord("ALTER");
  c.acceptWord("ONLINE") || c.acceptWord("IGNORE");
  if (!c.acceptWord("TABLE")) {
    throw new MysqlError(
      ER.ER_NOT_SUPPORTED_YET,
      `This version of MySQL doesn't yet support 'ALTER ${c.peek().value.toUpperCase()}'`,
    );
  }
  const q = c.qualified();
  checkTablePrivilege(s, "ALTER", schemaOf(s, q.db), q.name);
  s.lockForDdl([{ db: schemaOf(s, q.db), name: q.name }]);
  const old = requireTable(s, q.db, q.name);
  const def = structuredClone(old);
  const st: AlterState = {
    def,
    source: new Map(def.columns.map((col) => [col.name, col.name])),
    rebuild: false,
    rename: null,
    autoIncrement: null,
  };
  if (!c.atEnd()) {
    do clause(s, c, st); while (c.acceptOp(","));
  }
  c.expectEnd();
  finishTable(def);
  if (old.temporary) {
    throw new MysqlError(
      ER.ER_NOT_SUPPORTED_YET,
      "This version of MySQL doesn't yet support 'ALTER TABLE on a TEMPORARY table'",
    );
  }
  runDdl(s, () => {
    if (st.rebuild) rebuild(s, old, st);
    else applyIndexes(s, old, def);
    if (!st.rebuild && st.autoIncrement !== null) setAutoIncrement(s.db, def, st.autoIncrement);
    s.engine.catalog.saveTable(s.db, def);
    if (st.rename) renameTable(s, def, st.rename.db, st.rename.name);
  });
  return ok(s);
}
