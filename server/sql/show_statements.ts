/**
 * SHOW statements (and DESCRIBE / EXPLAIN table), each with MySQL 8.0's column names.
 * Status and the process list come from the main thread through the server link.
 */

import { processRow } from "./processlist_view.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import type { RowsResult, SqlValue, StatementResult } from "./types.ts";
import type { Outcome, Session } from "./session.ts";
import { filtered, metas } from "./show_result.ts";
import { columnRows, indexRows, showCreateTable } from "./show_create_table.ts";
import { requireTable, schemaOf } from "./ddl_statements.ts";
import { CHARSETS, COLLATIONS, formatVariable } from "../variables/system_variables.ts";
import { showTableStatus } from "./show_table_status.ts";
import {
  canSeeDatabase,
  canSeeTable,
  checkDatabaseVisible,
  checkTableVisible,
  privilegesOf,
} from "./privilege_checks.ts";

const EMPTY_SHOWS: Record<string, string[]> = {
  TRIGGERS: [
    "Trigger",
    "Event",
    "Table",
    "Statement",
    "Timing",
    "Created",
    "sql_mode",
    "Definer",
    "character_set_client",
    "collation_connection",
    "Database Collation",
  ],
  EVENTS: [
    "Db",
    "Name",
    "Definer",
    "Time zone",
    "Type",
    "Execute at",
    "Interval value",
    "Interval field",
    "Starts",
    "Ends",
    "Status",
    "Originator",
    "character_set_client",
    "collation_connection",
    "Database Collation",
  ],
  "FUNCTION STATUS": [
    "Db",
    "Name",
    "Type",
    "Definer",
    "Modified",
    "Created",
    "Security_type",
    "Comment",
    "character_set_client",
    "collation_connection",
    "Database Collation",
  ],
  "PROCEDURE STATUS": [
    "Db",
    "Name",
    "Type",
    "Definer",
    "Modified",
    "Created",
    "Security_type",
    "Comment",
    "character_set_client",
    "collation_connection",
    "Database Collation",
  ],
  "BINARY LOGS": ["Log_name", "File_size", "Encrypted"],
  "MASTER LOGS": ["Log_name", "File_size", "Encrypted"],
  "MASTER STATUS": ["File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set"],
  "BINARY LOG STATUS": [
    "File",
    "Position",
    "Binlog_Do_DB",
    "Binlog_Ignore_DB",
    "Executed_Gtid_Set",
  ],
  "SLAVE STATUS": ["Slave_IO_State"],
  "REPLICA STATUS": ["Replica_IO_State"],
  "OPEN TABLES": ["Database", "Table", "In_use", "Name_locked"],
  PROFILES: ["Query_ID", "Duration", "Query"],
};

function rows(columns: ReturnType<typeof metas>, data: SqlValue[][]): RowsResult {
  return { kind: "rows", columns, rows: data };
}

function showDatabases(s: Session, c: TokenCursor): StatementResult {
  const names = ["information_schema", ...s.engine.catalog.schemaNames(), "performance_schema"]
    .filter((n) => canSeeDatabase(s, n)).sort();
  return filtered(s, c, metas(["Database"]), names.map((n) => [n]));
}

function fromDb(s: Session, c: TokenCursor): string {
  if (c.acceptWord("FROM") || c.acceptWord("IN")) return c.ident();
  return schemaOf(s, null);
}

function showTables(s: Session, c: TokenCursor, full: boolean): StatementResult {
  const db = fromDb(s, c);
  checkDatabaseVisible(s, db);
  if (!s.engine.catalog.schema(db)) {
    throw new MysqlError(ER.ER_BAD_DB_ERROR, `Unknown database '${db}'`);
  }
  const names = s.engine.catalog.tables(db).map((t) => t.name)
    .filter((n) => canSeeTable(s, db, n));
  const cols = full ? [`Tables_in_${db}`, "Table_type"] : [`Tables_in_${db}`];
  return filtered(s, c, metas(cols), names.map((n) => (full ? [n, "BASE TABLE"] : [n])));
}

function tableName(s: Session, c: TokenCursor) {
  const q = c.qualified();
  let db = q.db;
  if (c.acceptWord("FROM") || c.acceptWord("IN")) db = c.ident();
  checkTableVisible(s, schemaOf(s, db), q.name);
  return requireTable(s, db, q.name);
}

function showColumns(s: Session, c: TokenCursor, full: boolean): StatementResult {
  if (!c.acceptWord("FROM")) c.expectWord("IN");
  const def = tableName(s, c);
  const cols = full
    ? ["Field", "Type", "Collation", "Null", "Key", "Default", "Extra", "Privileges", "Comment"]
    : ["Field", "Type", "Null", "Key", "Default", "Extra"];
  return filtered(s, c, metas(cols), columnRows(def, full));
}

function showIndex(s: Session, c: TokenCursor): StatementResult {
  if (!c.acceptWord("FROM")) c.expectWord("IN");
  const def = tableName(s, c);
  const cols = metas([
    "Table",
    ["Non_unique", "int"],
    "Key_name",
    ["Seq_in_index", "int"],
    "Column_name",
    "Collation",
    ["Cardinality", "int"],
    ["Sub_part", "int"],
    "Packed",
    "Null",
    "Index_type",
    "Comment",
    "Index_comment",
    "Visible",
    "Expression",
  ]);
  if (c.acceptWord("WHERE")) {
    return filtered(s, { ...c, pos: c.pos - 1 } as TokenCursor, cols, indexRows(def));
  }
  c.expectEnd();
  return rows(cols, indexRows(def));
}

function showCreate(s: Session, c: TokenCursor): Outcome {
  if (c.acceptWord("TABLE")) {
    const q = c.qualified();
    c.expectEnd();
    checkTableVisible(s, schemaOf(s, q.db), q.name);
    const def = requireTable(s, q.db, q.name);
    return rows(metas(["Table", "Create Table"]), [[def.name, showCreateTable(s.db, def)]]);
  }
  if (c.acceptWord("DATABASE") || c.acceptWord("SCHEMA")) {
    const ifNot = c.acceptWord("IF", "NOT", "EXISTS");
    const name = c.ident();
    c.expectEnd();
    checkDatabaseVisible(s, name);
    const schema = s.engine.catalog.schema(name);
    if (!schema) throw new MysqlError(ER.ER_BAD_DB_ERROR, `Unknown database '${name}'`);
    const text = `CREATE DATABASE ${ifNot ? "/*!32312 IF NOT EXISTS*/ " : ""}\`${name}\` ` +
      `/*!40100 DEFAULT CHARACTER SET ${schema.charset} COLLATE ${schema.collation} */ /*!80016 DEFAULT ENCRYPTION='N' */`;
    return rows(metas(["Database", "Create Database"]), [[name, text]]);
  }
  throw new MysqlError(
    ER.ER_NOT_SUPPORTED_YET,
    `This version of MySQL doesn't yet support 'SHOW CREATE ${c.peek().value.toUpperCase()}'`,
  );
}

function showVariables(s: Session, c: TokenCursor, scope: "global" | "session"): StatementResult {
  const list = s.vars.list(scope).map((e) =>
    [e.name, formatVariable(e.def, e.value)] as SqlValue[]
  );
  return filtered(s, c, metas(["Variable_name", "Value"]), list);
}

async function showStatus(
  s: Session,
  c: TokenCursor,
  scope: "global" | "session",
): Promise<StatementResult> {
  const status = await s.link.globalStatus(scope);
  const list = [...status.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) =>
    [k, String(v)] as SqlValue[]
  );
  return filtered(s, c, metas(["Variable_name", "Value"]), list);
}

function showWarnings(s: Session, c: TokenCursor, errorsOnly: boolean): StatementResult {
  let limit = Infinity;
  if (c.acceptWord("LIMIT")) {
    const a = c.integer();
    limit = c.acceptOp(",") ? c.integer() : a;
  }
  c.expectEnd();
  const list = s.warnings.filter((w) => !errorsOnly || w.level === "Error").slice(0, limit);
  return rows(
    metas(["Level", ["Code", "int"], "Message"]),
    list.map((w) => [w.level, w.code, w.message]),
  );
}

async function showProcessList(
  s: Session,
  c: TokenCursor,
  full: boolean,
): Promise<StatementResult> {
  c.expectEnd();
  // Without PROCESS an account sees only its own threads (MySQL).
  const all = privilegesOf(s).global("PROCESS");
  const list = (await s.link.processList()).filter((p) => all || p.user === s.identity.user);
  const data = list.map((p) => processRow(p, full ? undefined : 100));
  return rows(
    metas([["Id", "int"], "User", "Host", "db", "Command", ["Time", "int"], "State", "Info"]),
    data,
  );
}

function showEngines(_s: Session, c: TokenCursor): StatementResult {
  c.expectEnd();
  return rows(metas(["Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"]), [
    [
      "InnoDB",
      "DEFAULT",
      "Supports transactions, row-level locking, and foreign keys",
      "YES",
      "YES",
      "YES",
    ],
    [
      "MEMORY",
      "YES",
      "Hash based, stored in memory, useful for temporary tables",
      "NO",
      "NO",
      "NO",
    ],
  ]);
}

function showCharset(s: Session, c: TokenCursor): StatementResult {
  const data = [...CHARSETS.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((cs) => [cs.name, cs.description, cs.defaultCollation, cs.maxLen] as SqlValue[]);
  return filtered(
    s,
    c,
    metas(["Charset", "Description", "Default collation", ["Maxlen", "int"]]),
    data,
  );
}

function showCollation(s: Session, c: TokenCursor): StatementResult {
  const data = [...COLLATIONS.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((co) => {
    const dflt = CHARSETS.get(co.charset)?.defaultCollation === co.name ? "Yes" : "";
    return [
      co.name,
      co.charset,
      co.id,
      dflt,
      "Yes",
      1,
      co.name.endsWith("_0900_ai_ci") ? "NO PAD" : "PAD SPACE",
    ] as SqlValue[];
  });
  return filtered(
    s,
    c,
    metas([
      "Collation",
      "Charset",
      ["Id", "int"],
      "Default",
      "Compiled",
      ["Sortlen", "int"],
      "Pad_attribute",
    ]),
    data,
  );
}

async function showPlugins(s: Session, c: TokenCursor): Promise<StatementResult> {
  c.expectEnd();
  const loaded = (await s.link.plugins?.("list", "", "")) as SqlValue[][] | undefined;
  return rows(metas(["Name", "Status", "Type", "Library", "License"]), [
    ["mysql_native_password", "ACTIVE", "AUTHENTICATION", null, "GPL"],
    ["caching_sha2_password", "ACTIVE", "AUTHENTICATION", null, "GPL"],
    ["InnoDB", "ACTIVE", "STORAGE ENGINE", null, "GPL"],
    ...(loaded ?? []),
  ]);
}

function emptyShow(s: Session, c: TokenCursor): StatementResult | null {
  for (const [key, cols] of Object.entries(EMPTY_SHOWS)) {
    const words = key.split(" ");
    if (c.acceptWord(...words)) {
      while (!c.atEnd()) c.next();
      return rows(metas(cols), []);
    }
  }
  void s;
  return null;
}

/** SHOW ..., DESCRIBE t, EXPLAIN t. */
export function showStatement(s: Session, c: TokenCursor): Outcome {
  if (!c.acceptWord("SHOW")) {
    c.next();
    const def = tableName(s, c);
    if (!c.atEnd()) c.next();
    return rows(
      metas(["Field", "Type", "Null", "Key", "Default", "Extra"]),
      columnRows(def, false),
    );
  }
  const full = c.acceptWord("FULL");
  const scope = c.acceptWord("GLOBAL")
    ? "global"
    : (c.acceptWord("SESSION") || c.acceptWord("LOCAL"), "session");
  if (c.acceptWord("DATABASES") || c.acceptWord("SCHEMAS")) return showDatabases(s, c);
  if (c.acceptWord("TABLES")) return showTables(s, c, full);
  if (c.acceptWord("COLUMNS") || c.acceptWord("FIELDS")) return showColumns(s, c, full);
  if (c.acceptWord("INDEX") || c.acceptWord("INDEXES") || c.acceptWord("KEYS")) {
    return showIndex(s, c);
  }
  if (c.acceptWord("CREATE")) return showCreate(s, c);
  if (c.acceptWord("VARIABLES")) return showVariables(s, c, scope);
  if (c.acceptWord("STATUS")) return showStatus(s, c, scope);
  if (c.acceptWord("TABLE", "STATUS")) return showTableStatus(s, c);
  if (c.acceptWord("WARNINGS")) return showWarnings(s, c, false);
  if (c.acceptWord("ERRORS")) return showWarnings(s, c, true);
  if (c.acceptWord("COUNT")) return showCount(s, c);
  if (c.acceptWord("PROCESSLIST")) return showProcessList(s, c, full);
  if (c.acceptWord("ENGINES") || c.acceptWord("STORAGE", "ENGINES")) return showEngines(s, c);
  if (c.acceptWord("CHARSET") || c.acceptWord("CHARACTER", "SET")) return showCharset(s, c);
  if (c.acceptWord("COLLATION")) return showCollation(s, c);
  if (c.acceptWord("PLUGINS")) return showPlugins(s, c);
  const empty = emptyShow(s, c);
  if (empty) return empty;
  throw c.error();
}

function showCount(s: Session, c: TokenCursor): StatementResult {
  c.expectOp("(");
  c.expectOp("*");
  c.expectOp(")");
  const errors = c.acceptWord("ERRORS");
  if (!errors) c.expectWord("WARNINGS");
  c.expectEnd();
  const n = errors ? s.warnings.filter((w) => w.level === "Error").length : s.warnings.length;
  const name = errors ? "@@session.error_count" : "@@session.warning_count";
  return rows(metas([[name, "int"]]), [[n]]);
}
