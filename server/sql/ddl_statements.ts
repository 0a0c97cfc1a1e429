/**
 * Data definition: CREATE / DROP DATABASE, CREATE TABLE (also LIKE and TEMPORARY), DROP TABLE,
 * CREATE / DROP INDEX, RENAME TABLE, TRUNCATE, USE. Each statement commits the open transaction
 * first and runs in its own write transaction, as MySQL's DDL is atomic.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import type { StatementResult } from "./types.ts";
import type { Session } from "./session.ts";
import { ok } from "./statement_dispatch.ts";
import { addIndex, parseKeyParts, parseTableBody } from "./create_table.ts";
import { withBusyRetry } from "./transaction_state.ts";
import { mapStoreError } from "../store/store_errors.ts";
import { indexSql, indexStoreName, setAutoIncrement, tableSql } from "../store/store_ddl.ts";
import { type ColumnDef, quoteStore, storeName, type TableDef } from "../store/table_def.ts";
import { convertForColumn } from "./column_values.ts";
import { findCharset, findCollation } from "../variables/charsets.ts";
import { checkDatabasePrivilege, checkTablePrivilege } from "./privilege_checks.ts";

/** Run DDL work in one write transaction after an implicit commit; tell every engine. */
export function runDdl<T>(s: Session, work: () => T): T {
  s.implicitCommit();
  const db = s.db;
  try {
    withBusyRetry(s, () => db.exec("BEGIN IMMEDIATE"));
    const r = work();
    db.exec("COMMIT");
    return r;
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw mapStoreError(e);
  } finally {
    s.engine.catalog.bump();
    s.engine.catalog.refresh(db);
    s.conn.invalidate();
  }
}

/** A default value as the store keeps it (1067 when the column cannot hold it). */
export function storedDefault(col: ColumnDef): unknown {
  const d = col.default;
  if (d?.kind !== "value") return null;
  try {
    return convertForColumn(col, d.value, 1, {
      strict: true,
      noZeroDate: false,
      noAutoValueOnZero: true,
      warn: () => {},
    });
  } catch {
    throw new MysqlError(ER.ER_INVALID_DEFAULT, `Invalid default value for '${col.name}'`);
  }
}

/** The database named by `q.db`, or the current one (1046 when none). */
export function schemaOf(s: Session, db: string | null): string {
  const schema = db ?? s.currentDb;
  if (schema === null) throw new MysqlError(ER.ER_NO_DB_ERROR, "No database selected");
  return schema;
}

/** The table `db`.`name` or 1146. */
export function requireTable(s: Session, db: string | null, name: string): TableDef {
  const schema = schemaOf(s, db);
  const def = s.findTable(schema, name);
  if (!def) throw new MysqlError(ER.ER_NO_SUCH_TABLE, `Table '${schema}.${name}' doesn't exist`);
  return def;
}

function createDatabase(s: Session, c: TokenCursor): StatementResult {
  const ifNotExists = c.acceptWord("IF", "NOT", "EXISTS");
  const name = c.ident();
  checkDatabasePrivilege(s, "CREATE", name);
  let charset = "utf8mb4";
  let collation = "utf8mb4_0900_ai_ci";
  while (!c.atEnd()) {
    c.acceptWord("DEFAULT");
    if (c.acceptWord("CHARACTER", "SET") || c.acceptWord("CHARSET")) {
      c.acceptOp("=");
      const cs = findCharset(c.name());
      if (!cs) throw c.error();
      charset = cs.name;
      collation = cs.defaultCollation;
    } else if (c.acceptWord("COLLATE")) {
      c.acceptOp("=");
      const co = findCollation(c.name());
      if (!co) throw c.error();
      collation = co.name;
      charset = co.charset;
    } else if (c.acceptWord("ENCRYPTION")) {
      c.acceptOp("=");
      c.next();
    } else throw c.error();
  }
  if (
    s.engine.catalog.schema(name) ||
    ["information_schema", "performance_schema"].includes(name.toLowerCase())
  ) {
    if (ifNotExists) {
      s.warn(1007, `Can't create database '${name}'; database exists`, "Note");
      return ok(s);
    }
    throw new MysqlError(1007, `Can't create database '${name}'; database exists`);
  }
  runDdl(s, () => s.engine.catalog.saveSchema(s.db, { name, charset, collation }));
  return ok(s, 1);
}

function dropDatabase(s: Session, c: TokenCursor): StatementResult {
  const ifExists = c.acceptWord("IF", "EXISTS");
  const name = c.ident();
  c.expectEnd();
  checkDatabasePrivilege(s, "DROP", name);
  if (!s.engine.catalog.schema(name)) {
    if (ifExists) {
      s.warn(1008, `Can't drop database '${name}'; database doesn't exist`, "Note");
      return ok(s);
    }
    throw new MysqlError(1008, `Can't drop database '${name}'; database doesn't exist`);
  }
  const tables = s.engine.catalog.tables(name);
  runDdl(s, () => {
    for (const t of tables) {
      s.db.exec(`DROP TABLE IF EXISTS ${quoteStore(storeName(name, t.name))}`);
    }
    s.engine.catalog.deleteSchema(s.db, name);
  });
  if (s.currentDb === name) s.currentDb = null;
  return ok(s, tables.length);
}

/** Create the store table of `def` and record it (inside runDdl for permanent tables). */
function materialize(s: Session, def: TableDef, autoIncrement: number | null): void {
  for (const sql of tableSql(def, storedDefault)) s.db.exec(sql);
  if (autoIncrement !== null && autoIncrement > 1) setAutoIncrement(s.db, def, autoIncrement);
  if (def.temporary) s.temps.set(`${def.db}\0${def.name}`, def);
  else s.engine.catalog.saveTable(s.db, def);
}

function createTable(s: Session, c: TokenCursor, temporary: boolean): StatementResult {
  const ifNotExists = c.acceptWord("IF", "NOT", "EXISTS");
  const q = c.qualified();
  const db = schemaOf(s, q.db);
  if (temporary) checkDatabasePrivilege(s, "CREATE TEMPORARY TABLES", db);
  else checkTablePrivilege(s, "CREATE", db, q.name);
  const schema = s.engine.catalog.schema(db);
  if (!schema) throw new MysqlError(ER.ER_BAD_DB_ERROR, `Unknown database '${db}'`);
  // MySQL takes X on the new name; under LOCK TABLES a new table needs no lock.
  if (!temporary) s.lockForDdl([{ db, name: q.name }], false);
  const exists = temporary
    ? s.temps.has(`${db}\0${q.name}`)
    : s.engine.catalog.table(db, q.name) !== undefined;
  let spec: { def: TableDef; autoIncrement: number | null };
  if (c.acceptWord("LIKE") || (c.isOp("(") && c.isWord("LIKE", 1))) {
    const paren = c.acceptOp("(");
    if (paren) c.expectWord("LIKE");
    const src = c.qualified();
    if (paren) c.expectOp(")");
    checkTablePrivilege(s, "SELECT", schemaOf(s, src.db), src.name);
    const from = requireTable(s, src.db, src.name);
    spec = {
      def: { ...structuredClone(from), db, name: q.name, created: Math.floor(Date.now() / 1000) },
      autoIncrement: null,
    };
  } else {
    if (!c.isOp("(")) {
      throw new MysqlError(
        ER.ER_NOT_SUPPORTED_YET,
        "This version of MySQL doesn't yet support 'CREATE TABLE ... SELECT'",
      );
    }
    spec = parseTableBody(c, db, q.name, { charset: schema.charset, collation: schema.collation });
  }
  c.expectEnd();
  if (exists) {
    if (ifNotExists) {
      s.warn(ER.ER_TABLE_EXISTS_ERROR, `Table '${q.name}' already exists`, "Note");
      return ok(s);
    }
    throw new MysqlError(ER.ER_TABLE_EXISTS_ERROR, `Table '${q.name}' already exists`);
  }
  spec.def.temporary = temporary;
  if (temporary) {
    try {
      materialize(s, spec.def, spec.autoIncrement);
    } catch (e) {
      throw mapStoreError(e);
    } finally {
      s.conn.invalidate();
    }
  } else {
    runDdl(s, () => materialize(s, spec.def, spec.autoIncrement));
  }
  return ok(s);
}

function createIndex(s: Session, c: TokenCursor, kind: "unique" | "index"): StatementResult {
  c.expectWord("INDEX");
  const name = c.ident();
  if (c.acceptWord("USING")) c.next();
  c.expectWord("ON");
  const q = c.qualified();
  const parts = parseKeyParts(c);
  while (!c.atEnd()) c.next();
  checkTablePrivilege(s, "INDEX", schemaOf(s, q.db), q.name);
  s.lockForDdl([{ db: schemaOf(s, q.db), name: q.name }]);
  const def = structuredClone(requireTable(s, q.db, q.name));
  addIndex(def, { name, kind, parts, comment: "" });
  saveAltered(s, def, () => s.db.exec(indexSql(def, name)));
  return ok(s);
}

/** Persist a changed definition after `work` changed the store. */
export function saveAltered(s: Session, def: TableDef, work: () => void): void {
  if (def.temporary) {
    try {
      work();
    } catch (e) {
      throw mapStoreError(e);
    }
    s.temps.set(`${def.db}\0${def.name}`, def);
    s.conn.invalidate();
    return;
  }
  runDdl(s, () => {
    work();
    s.engine.catalog.saveTable(s.db, def);
  });
}

/** CREATE ... */
export function createStatement(s: Session, c: TokenCursor): StatementResult {
  c.expectWord("CREATE");
  if (c.acceptWord("DATABASE") || c.acceptWord("SCHEMA")) return createDatabase(s, c);
  if (c.acceptWord("TEMPORARY")) {
    c.expectWord("TABLE");
    return createTable(s, c, true);
  }
  if (c.acceptWord("TABLE")) return createTable(s, c, false);
  if (c.acceptWord("UNIQUE")) return createIndex(s, c, "unique");
  if (c.acceptWord("FULLTEXT") || c.acceptWord("SPATIAL")) return createIndex(s, c, "index");
  if (c.isWord("INDEX")) return createIndex(s, c, "index");
  throw new MysqlError(
    ER.ER_NOT_SUPPORTED_YET,
    `This version of MySQL doesn't yet support 'CREATE ${c.peek().value.toUpperCase()}'`,
  );
}

function dropTable(s: Session, c: TokenCursor, temporary: boolean): StatementResult {
  const ifExists = c.acceptWord("IF", "EXISTS");
  const targets: { db: string; name: string }[] = [];
  do {
    const q = c.qualified();
    targets.push({ db: schemaOf(s, q.db), name: q.name });
  } while (c.acceptOp(","));
  c.acceptWord("RESTRICT") || c.acceptWord("CASCADE");
  c.expectEnd();
  for (const t of targets) checkTablePrivilege(s, "DROP", t.db, t.name);
  if (!temporary) s.lockForDdl(targets.filter((t) => s.findTable(t.db, t.name)));
  const missing = targets.filter((t) =>
    !s.findTable(t.db, t.name) || (temporary && !s.temps.has(`${t.db}\0${t.name}`))
  );
  if (missing.length > 0 && !ifExists) {
    throw new MysqlError(
      ER.ER_BAD_TABLE_ERROR,
      `Unknown table '${missing.map((t) => `${t.db}.${t.name}`).join(",")}'`,
    );
  }
  for (const t of missing) {
    s.warn(ER.ER_BAD_TABLE_ERROR, `Unknown table '${t.db}.${t.name}'`, "Note");
  }
  const present = targets.filter((t) => !missing.includes(t));
  const temps = present.filter((t) => s.temps.has(`${t.db}\0${t.name}`));
  for (const t of temps) {
    s.db.exec(`DROP TABLE IF EXISTS temp.${quoteStore(storeName(t.db, t.name))}`);
    s.temps.delete(`${t.db}\0${t.name}`);
    s.conn.invalidate();
  }
  const permanent = present.filter((t) => !temps.includes(t));
  if (permanent.length > 0) {
    runDdl(s, () => {
      for (const t of permanent) {
        s.db.exec(`DROP TABLE IF EXISTS main.${quoteStore(storeName(t.db, t.name))}`);
        s.engine.catalog.deleteTable(s.db, t.db, t.name);
      }
    });
  }
  return ok(s);
}

function dropIndex(s: Session, c: TokenCursor): StatementResult {
  const name = c.ident();
  c.expectWord("ON");
  const q = c.qualified();
  while (!c.atEnd()) c.next();
  checkTablePrivilege(s, "INDEX", schemaOf(s, q.db), q.name);
  s.lockForDdl([{ db: schemaOf(s, q.db), name: q.name }]);
  const def = structuredClone(requireTable(s, q.db, q.name));
  dropIndexFrom(s, def, name);
  return ok(s);
}

/** Remove key `name` from `def` and the store (1091 when it does not exist). */
export function dropIndexFrom(s: Session, def: TableDef, name: string): void {
  const idx = def.indexes.findIndex((i) => i.name.toLowerCase() === name.toLowerCase());
  if (idx < 0) {
    throw new MysqlError(
      ER.ER_CANT_DROP_FIELD_OR_KEY,
      `Can't DROP '${name}'; check that column/key exists`,
    );
  }
  const key = def.indexes[idx]!;
  if (key.kind === "primary") {
    throw new MysqlError(
      ER.ER_NOT_SUPPORTED_YET,
      "This version of MySQL doesn't yet support 'DROP PRIMARY KEY'",
    );
  }
  def.indexes.splice(idx, 1);
  const schema = def.temporary ? "temp." : "main.";
  saveAltered(
    s,
    def,
    () => s.db.exec(`DROP INDEX IF EXISTS ${schema}${quoteStore(indexStoreName(def, key.name))}`),
  );
}

/** DROP ... */
export function dropStatement(s: Session, c: TokenCursor): StatementResult {
  c.expectWord("DROP");
  if (c.acceptWord("DATABASE") || c.acceptWord("SCHEMA")) return dropDatabase(s, c);
  const temporary = c.acceptWord("TEMPORARY");
  if (c.acceptWord("TABLE") || c.acceptWord("TABLES")) return dropTable(s, c, temporary);
  if (c.acceptWord("INDEX")) return dropIndex(s, c);
  if (c.acceptWord("VIEW")) {
    c.acceptWord("IF", "EXISTS");
    const q = c.qualified();
    throw new MysqlError(ER.ER_BAD_TABLE_ERROR, `Unknown table '${schemaOf(s, q.db)}.${q.name}'`);
  }
  throw new MysqlError(
    ER.ER_NOT_SUPPORTED_YET,
    `This version of MySQL doesn't yet support 'DROP ${c.peek().value.toUpperCase()}'`,
  );
}

/** RENAME TABLE a TO b [, c TO d]. */
export function renameStatement(s: Session, c: TokenCursor): StatementResult {
  c.expectWord("RENAME");
  if (!c.acceptWord("TABLE")) c.expectWord("TABLES");
  const pairs: [TableDef, string, string][] = [];
  const names: { db: string; name: string }[] = [];
  do {
    const from = c.qualified();
    c.expectWord("TO");
    const to = c.qualified();
    // MySQL: ALTER and DROP on the old name, CREATE and INSERT on the new one.
    for (const priv of ["ALTER", "DROP"]) {
      checkTablePrivilege(s, priv, schemaOf(s, from.db), from.name);
    }
    for (const priv of ["CREATE", "INSERT"]) {
      checkTablePrivilege(s, priv, schemaOf(s, to.db), to.name);
    }
    names.push({ db: schemaOf(s, from.db), name: from.name }, {
      db: schemaOf(s, to.db),
      name: to.name,
    });
  } while (c.acceptOp(","));
  c.expectEnd();
  s.lockForDdl(names.filter((_, k) => k % 2 === 0));
  s.lockForDdl(names.filter((_, k) => k % 2 === 1), false);
  for (let k = 0; k < names.length; k += 2) {
    const from = names[k]!;
    pairs.push([requireTable(s, from.db, from.name), names[k + 1]!.db, names[k + 1]!.name]);
  }
  runDdl(s, () => {
    for (const [def, db, name] of pairs) renameTable(s, def, db, name);
  });
  return ok(s);
}

/** Rename a table in the store and the catalog (inside runDdl). */
export function renameTable(s: Session, def: TableDef, db: string, name: string): void {
  if (!s.engine.catalog.schema(db)) {
    throw new MysqlError(ER.ER_BAD_DB_ERROR, `Unknown database '${db}'`);
  }
  if (s.findTable(db, name)) {
    throw new MysqlError(ER.ER_TABLE_EXISTS_ERROR, `Table '${name}' already exists`);
  }
  const renamed: TableDef = { ...structuredClone(def), db, name };
  s.db.exec(
    `ALTER TABLE ${quoteStore(storeName(def.db, def.name))} RENAME TO ${
      quoteStore(storeName(db, name))
    }`,
  );
  for (const idx of def.indexes) {
    if (idx.kind === "primary") continue;
    s.db.exec(`DROP INDEX IF EXISTS ${quoteStore(indexStoreName(def, idx.name))}`);
    s.db.exec(indexSql(renamed, idx.name));
  }
  s.engine.catalog.deleteTable(s.db, def.db, def.name);
  s.engine.catalog.saveTable(s.db, renamed);
}

/** TRUNCATE [TABLE] t: empty it and restart AUTO_INCREMENT. */
export function truncateStatement(s: Session, c: TokenCursor): StatementResult {
  c.expectWord("TRUNCATE");
  c.acceptWord("TABLE");
  const q = c.qualified();
  c.expectEnd();
  checkTablePrivilege(s, "DROP", schemaOf(s, q.db), q.name);
  s.lockForDdl([{ db: schemaOf(s, q.db), name: q.name }]);
  const def = requireTable(s, q.db, q.name);
  const table = quoteStore(storeName(def.db, def.name));
  const work = () => {
    s.db.exec(`DELETE FROM ${table}`);
    const seq = def.temporary ? "temp.sqlite_sequence" : "sqlite_sequence";
    if (def.columns.some((col) => col.autoIncrement)) {
      s.db.prepare(`DELETE FROM ${seq} WHERE name = ?`).run(storeName(def.db, def.name));
    }
  };
  if (def.temporary) work();
  else runDdl(s, work);
  return ok(s);
}

/** USE db. */
export function useStatement(s: Session, c: TokenCursor): StatementResult {
  c.expectWord("USE");
  const db = c.ident();
  c.expectEnd();
  s.useDatabase(db);
  return ok(s);
}
