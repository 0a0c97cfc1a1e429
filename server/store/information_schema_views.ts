/**
 * information_schema as SQLite views over the catalog tables, so queries on it can use WHERE,
 * ORDER BY and joins. Each view is named "information_schema.X" like any MySQL table.
 * Column lists follow MySQL 8.0's information_schema tables.
 */

import type { DatabaseSync } from "node:sqlite";
import { createMemoryViews, MEMORY_INFORMATION_SCHEMA_VIEWS } from "../memory/memory_views.ts";

const T = "_mydeno_tables";
const S = "_mydeno_schemata";

/** Columns of the views that are always empty (dump tools only ask for them). */
const EMPTY_VIEWS: Record<string, string[]> = {
  ROUTINES: [
    "SPECIFIC_NAME",
    "ROUTINE_CATALOG",
    "ROUTINE_SCHEMA",
    "ROUTINE_NAME",
    "ROUTINE_TYPE",
    "DATA_TYPE",
    "ROUTINE_DEFINITION",
    "DEFINER",
    "SQL_MODE",
    "ROUTINE_COMMENT",
  ],
  TRIGGERS: [
    "TRIGGER_CATALOG",
    "TRIGGER_SCHEMA",
    "TRIGGER_NAME",
    "EVENT_MANIPULATION",
    "EVENT_OBJECT_SCHEMA",
    "EVENT_OBJECT_TABLE",
    "ACTION_STATEMENT",
    "ACTION_TIMING",
    "DEFINER",
  ],
  VIEWS: [
    "TABLE_CATALOG",
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "VIEW_DEFINITION",
    "CHECK_OPTION",
    "IS_UPDATABLE",
    "DEFINER",
    "SECURITY_TYPE",
    "CHARACTER_SET_CLIENT",
    "COLLATION_CONNECTION",
  ],
  PARTITIONS: [
    "TABLE_CATALOG",
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "PARTITION_NAME",
    "SUBPARTITION_NAME",
    "PARTITION_ORDINAL_POSITION",
    "PARTITION_METHOD",
    "PARTITION_EXPRESSION",
    "PARTITION_DESCRIPTION",
    "TABLE_ROWS",
    "ENGINE",
  ],
  KEY_COLUMN_USAGE: [
    "CONSTRAINT_CATALOG",
    "CONSTRAINT_SCHEMA",
    "CONSTRAINT_NAME",
    "TABLE_CATALOG",
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "COLUMN_NAME",
    "ORDINAL_POSITION",
    "POSITION_IN_UNIQUE_CONSTRAINT",
    "REFERENCED_TABLE_SCHEMA",
    "REFERENCED_TABLE_NAME",
    "REFERENCED_COLUMN_NAME",
  ],
  REFERENTIAL_CONSTRAINTS: [
    "CONSTRAINT_CATALOG",
    "CONSTRAINT_SCHEMA",
    "CONSTRAINT_NAME",
    "UNIQUE_CONSTRAINT_SCHEMA",
    "UNIQUE_CONSTRAINT_NAME",
    "UPDATE_RULE",
    "DELETE_RULE",
    "TABLE_NAME",
    "REFERENCED_TABLE_NAME",
  ],
  EVENTS: ["EVENT_CATALOG", "EVENT_SCHEMA", "EVENT_NAME", "DEFINER", "EVENT_DEFINITION"],
  FILES: [
    "FILE_ID",
    "FILE_NAME",
    "FILE_TYPE",
    "TABLESPACE_NAME",
    "TABLE_CATALOG",
    "TABLE_SCHEMA",
    "TABLE_NAME",
    "LOGFILE_GROUP_NAME",
    "LOGFILE_GROUP_NUMBER",
    "ENGINE",
    "FULLTEXT_KEYS",
    "DELETED_ROWS",
    "UPDATE_COUNT",
    "FREE_EXTENTS",
    "TOTAL_EXTENTS",
    "EXTENT_SIZE",
    "INITIAL_SIZE",
    "MAXIMUM_SIZE",
    "AUTOEXTEND_SIZE",
    "CREATION_TIME",
    "LAST_UPDATE_TIME",
    "LAST_ACCESS_TIME",
    "RECOVER_TIME",
    "TRANSACTION_COUNTER",
    "VERSION",
    "ROW_FORMAT",
    "TABLE_ROWS",
    "AVG_ROW_LENGTH",
    "DATA_LENGTH",
    "MAX_DATA_LENGTH",
    "INDEX_LENGTH",
    "DATA_FREE",
    "CREATE_TIME",
    "UPDATE_TIME",
    "CHECK_TIME",
    "CHECKSUM",
    "STATUS",
    "EXTRA",
  ],
  PARAMETERS: ["SPECIFIC_CATALOG", "SPECIFIC_SCHEMA", "SPECIFIC_NAME", "PARAMETER_NAME"],
  COLUMN_PRIVILEGES: ["GRANTEE", "TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME"],
  CHECK_CONSTRAINTS: ["CONSTRAINT_CATALOG", "CONSTRAINT_SCHEMA", "CONSTRAINT_NAME", "CHECK_CLAUSE"],
};

const SCHEMATA_SQL = `SELECT 'def' AS CATALOG_NAME, name AS SCHEMA_NAME,
  charset AS DEFAULT_CHARACTER_SET_NAME, collation AS DEFAULT_COLLATION_NAME,
  NULL AS SQL_PATH, 'NO' AS DEFAULT_ENCRYPTION FROM ${S}
  UNION ALL SELECT 'def', 'information_schema', 'utf8mb3', 'utf8mb3_general_ci', NULL, 'NO'
  UNION ALL SELECT 'def', 'performance_schema', 'utf8mb4', 'utf8mb4_0900_ai_ci', NULL, 'NO'`;

const TABLES_SQL = `SELECT 'def' AS TABLE_CATALOG, t.db AS TABLE_SCHEMA, t.name AS TABLE_NAME,
  'BASE TABLE' AS TABLE_TYPE, json_extract(t.def, '$.engine') AS ENGINE, 10 AS VERSION,
  'Dynamic' AS ROW_FORMAT, 0 AS TABLE_ROWS, 0 AS AVG_ROW_LENGTH, 16384 AS DATA_LENGTH,
  0 AS MAX_DATA_LENGTH, 0 AS INDEX_LENGTH, 0 AS DATA_FREE,
  (SELECT q.seq + 1 FROM sqlite_sequence q WHERE q.name = t.db || '.' || t.name) AS AUTO_INCREMENT,
  datetime(json_extract(t.def, '$.created'), 'unixepoch', 'localtime') AS CREATE_TIME,
  NULL AS UPDATE_TIME, NULL AS CHECK_TIME, json_extract(t.def, '$.collation') AS TABLE_COLLATION,
  NULL AS CHECKSUM, '' AS CREATE_OPTIONS, json_extract(t.def, '$.comment') AS TABLE_COMMENT
  FROM ${T} t`;

const COLUMNS_SQL = `SELECT 'def' AS TABLE_CATALOG, t.db AS TABLE_SCHEMA, t.name AS TABLE_NAME,
  json_extract(c.value, '$.name') AS COLUMN_NAME, c.key + 1 AS ORDINAL_POSITION,
  json_extract(c.value, '$.info.columnDefault') AS COLUMN_DEFAULT,
  CASE WHEN json_extract(c.value, '$.nullable') THEN 'YES' ELSE 'NO' END AS IS_NULLABLE,
  json_extract(c.value, '$.dataType') AS DATA_TYPE,
  json_extract(c.value, '$.info.charMaxLength') AS CHARACTER_MAXIMUM_LENGTH,
  json_extract(c.value, '$.info.charOctetLength') AS CHARACTER_OCTET_LENGTH,
  json_extract(c.value, '$.info.numericPrecision') AS NUMERIC_PRECISION,
  json_extract(c.value, '$.info.numericScale') AS NUMERIC_SCALE,
  json_extract(c.value, '$.info.datetimePrecision') AS DATETIME_PRECISION,
  json_extract(c.value, '$.charset') AS CHARACTER_SET_NAME,
  json_extract(c.value, '$.collation') AS COLLATION_NAME,
  json_extract(c.value, '$.info.columnType') AS COLUMN_TYPE,
  json_extract(c.value, '$.info.columnKey') AS COLUMN_KEY,
  json_extract(c.value, '$.info.extra') AS EXTRA,
  'select,insert,update,references' AS PRIVILEGES,
  json_extract(c.value, '$.comment') AS COLUMN_COMMENT, '' AS GENERATION_EXPRESSION,
  NULL AS SRS_ID
  FROM ${T} t, json_each(t.def, '$.columns') c`;

const STATISTICS_SQL = `SELECT 'def' AS TABLE_CATALOG, t.db AS TABLE_SCHEMA, t.name AS TABLE_NAME,
  CASE WHEN json_extract(i.value, '$.kind') = 'index' THEN 1 ELSE 0 END AS NON_UNIQUE,
  t.db AS INDEX_SCHEMA, json_extract(i.value, '$.name') AS INDEX_NAME,
  p.key + 1 AS SEQ_IN_INDEX, json_extract(p.value, '$.column') AS COLUMN_NAME,
  CASE WHEN json_extract(p.value, '$.desc') THEN 'D' ELSE 'A' END AS COLLATION,
  0 AS CARDINALITY, json_extract(p.value, '$.length') AS SUB_PART, NULL AS PACKED,
  '' AS NULLABLE, 'BTREE' AS INDEX_TYPE, '' AS COMMENT,
  json_extract(i.value, '$.comment') AS INDEX_COMMENT, 'YES' AS IS_VISIBLE, NULL AS EXPRESSION
  FROM ${T} t, json_each(t.def, '$.indexes') i, json_each(i.value, '$.parts') p`;

const ENGINES_SQL = `SELECT 'InnoDB' AS ENGINE, 'DEFAULT' AS SUPPORT,
  'Supports transactions, row-level locking, and foreign keys' AS COMMENT,
  'YES' AS TRANSACTIONS, 'YES' AS XA, 'YES' AS SAVEPOINTS`;

/** The registered function information_schema.PROCESSLIST reads its rows from: JSON arrays
 * that the session fetched from the main thread before the statement (sql/processlist_view.ts). */
export const PROCESSLIST_FUNCTION = "mydeno_processlist";

const PROCESSLIST_COLUMNS = [
  "ID",
  "USER",
  "HOST",
  "DB",
  "COMMAND",
  "TIME",
  "STATE",
  "INFO",
  "TIME_MS",
];

/** MySQL 8.0's PROCESSLIST columns plus MariaDB's TIME_MS. */
const PROCESSLIST_SQL = `SELECT ${
  PROCESSLIST_COLUMNS.map((c, i) => `json_extract(p.value, '$[${i}]') AS ${c}`).join(", ")
} FROM json_each(${PROCESSLIST_FUNCTION}()) AS p`;

function emptyView(cols: string[]): string {
  return `SELECT ${cols.map((c) => `NULL AS ${c}`).join(", ")} WHERE 0`;
}

/** Names of the information_schema views, upper case. */
export const INFORMATION_SCHEMA_VIEWS: readonly string[] = [
  "SCHEMATA",
  "TABLES",
  "COLUMNS",
  "STATISTICS",
  "ENGINES",
  "PROCESSLIST",
  ...MEMORY_INFORMATION_SCHEMA_VIEWS,
  ...Object.keys(EMPTY_VIEWS),
];

/** (Re)create the views; called inside initializeStore's transaction. */
export function createInformationSchemaViews(db: DatabaseSync): void {
  // sqlite_sequence exists only once some table used AUTOINCREMENT; the TABLES view reads it.
  db.exec(
    "CREATE TABLE IF NOT EXISTS _mydeno_sequence_anchor (id INTEGER PRIMARY KEY AUTOINCREMENT)",
  );
  const bodies: Record<string, string> = {
    SCHEMATA: SCHEMATA_SQL,
    TABLES: TABLES_SQL,
    COLUMNS: COLUMNS_SQL,
    STATISTICS: STATISTICS_SQL,
    ENGINES: ENGINES_SQL,
    PROCESSLIST: PROCESSLIST_SQL,
  };
  for (const [name, cols] of Object.entries(EMPTY_VIEWS)) bodies[name] = emptyView(cols);
  for (const [name, body] of Object.entries(bodies)) {
    db.exec(`DROP VIEW IF EXISTS "information_schema.${name}"`);
    db.exec(`CREATE VIEW "information_schema.${name}" AS ${body}`);
  }
  createMemoryViews(db);
}
