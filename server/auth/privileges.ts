/**
 * MySQL 8.0's privileges: which exist at which level, their column in the grant tables, the
 * order SHOW GRANTS lists them in, and `Privileges`, one account's effective privileges with
 * fast checks.
 */

import { wildcardMatches } from "./host_match.ts";

/**
 * Static privileges in SHOW GRANTS order, with their mysql.user / mysql.db column.
 * (MySQL 8.0 sql/auth/sql_auth_cache.h global_acls_vector.)
 */
export const STATIC_PRIVILEGES: ReadonlyArray<readonly [string, string]> = [
  ["SELECT", "Select_priv"],
  ["INSERT", "Insert_priv"],
  ["UPDATE", "Update_priv"],
  ["DELETE", "Delete_priv"],
  ["CREATE", "Create_priv"],
  ["DROP", "Drop_priv"],
  ["RELOAD", "Reload_priv"],
  ["SHUTDOWN", "Shutdown_priv"],
  ["PROCESS", "Process_priv"],
  ["FILE", "File_priv"],
  ["REFERENCES", "References_priv"],
  ["INDEX", "Index_priv"],
  ["ALTER", "Alter_priv"],
  ["SHOW DATABASES", "Show_db_priv"],
  ["SUPER", "Super_priv"],
  ["CREATE TEMPORARY TABLES", "Create_tmp_table_priv"],
  ["LOCK TABLES", "Lock_tables_priv"],
  ["EXECUTE", "Execute_priv"],
  ["REPLICATION SLAVE", "Repl_slave_priv"],
  ["REPLICATION CLIENT", "Repl_client_priv"],
  ["CREATE VIEW", "Create_view_priv"],
  ["SHOW VIEW", "Show_view_priv"],
  ["CREATE ROUTINE", "Create_routine_priv"],
  ["ALTER ROUTINE", "Alter_routine_priv"],
  ["CREATE USER", "Create_user_priv"],
  ["EVENT", "Event_priv"],
  ["TRIGGER", "Trigger_priv"],
  ["CREATE TABLESPACE", "Create_tablespace_priv"],
  ["CREATE ROLE", "Create_role_priv"],
  ["DROP ROLE", "Drop_role_priv"],
];

/** Privileges that can be granted on `db`.* (mysql.db columns). */
export const DB_PRIVILEGES: readonly string[] = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "CREATE",
  "DROP",
  "REFERENCES",
  "INDEX",
  "ALTER",
  "CREATE TEMPORARY TABLES",
  "LOCK TABLES",
  "EXECUTE",
  "CREATE VIEW",
  "SHOW VIEW",
  "CREATE ROUTINE",
  "ALTER ROUTINE",
  "EVENT",
  "TRIGGER",
];

/** Privileges that can be granted on `db`.`t` (mysql.tables_priv Table_priv members). */
export const TABLE_PRIVILEGES: readonly string[] = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "CREATE",
  "DROP",
  "REFERENCES",
  "INDEX",
  "ALTER",
  "CREATE VIEW",
  "SHOW VIEW",
  "TRIGGER",
];

/** MySQL 8.0's dynamic privileges (global only, mysql.global_grants). */
export const DYNAMIC_PRIVILEGES: readonly string[] = [
  "APPLICATION_PASSWORD_ADMIN",
  "AUDIT_ADMIN",
  "BACKUP_ADMIN",
  "BINLOG_ADMIN",
  "BINLOG_ENCRYPTION_ADMIN",
  "CLONE_ADMIN",
  "CONNECTION_ADMIN",
  "ENCRYPTION_KEY_ADMIN",
  "FLUSH_OPTIMIZER_COSTS",
  "FLUSH_STATUS",
  "FLUSH_TABLES",
  "FLUSH_USER_RESOURCES",
  "GROUP_REPLICATION_ADMIN",
  "INNODB_REDO_LOG_ARCHIVE",
  "PASSWORDLESS_USER_ADMIN",
  "PERSIST_RO_VARIABLES_ADMIN",
  "REPLICATION_APPLIER",
  "REPLICATION_SLAVE_ADMIN",
  "RESOURCE_GROUP_ADMIN",
  "RESOURCE_GROUP_USER",
  "ROLE_ADMIN",
  "SERVICE_CONNECTION_ADMIN",
  "SESSION_VARIABLES_ADMIN",
  "SET_USER_ID",
  "SHOW_ROUTINE",
  "SYSTEM_USER",
  "SYSTEM_VARIABLES_ADMIN",
  "TABLE_ENCRYPTION_ADMIN",
  "XA_RECOVER_ADMIN",
];

/** The grant option, kept apart from the privilege lists as MySQL does (Grant_priv). */
export const GRANT_OPTION = "GRANT OPTION";

/** Column of a static privilege, e.g. "SHOW DATABASES" → "Show_db_priv". */
export const PRIVILEGE_COLUMN: ReadonlyMap<string, string> = new Map(STATIC_PRIVILEGES);

/** A privilege grant on one database pattern (mysql.db row). */
export interface DbGrant {
  /** Database name or pattern (`%`, `_` wildcards). */
  db: string;
  privileges: ReadonlySet<string>;
}

/** What `Privileges` is built from. */
export interface PrivilegeSource {
  global: ReadonlySet<string>;
  databases: readonly DbGrant[];
  /** Table grants keyed by `db` + "\0" + `table`. */
  tables: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * One account's privileges, loaded once and checked without SQL. A session keeps it until the
 * account epoch moves (GRANT, REVOKE, DROP USER elsewhere).
 */
export class Privileges {
  readonly #global: ReadonlySet<string>;
  readonly #databases: readonly DbGrant[];
  readonly #tables: ReadonlyMap<string, ReadonlySet<string>>;

  constructor(source: PrivilegeSource) {
    this.#global = source.global;
    this.#databases = source.databases;
    this.#tables = source.tables;
  }

  /** Nothing at all (a dropped account). */
  static none(): Privileges {
    return new Privileges({ global: new Set(), databases: [], tables: new Map() });
  }

  /** A global privilege (static such as SUPER, PROCESS or dynamic such as CONNECTION_ADMIN). */
  global(priv: string): boolean {
    return this.#global.has(priv);
  }

  /** `priv` on every table of `db`: globally or by a database grant. */
  database(db: string, priv: string): boolean {
    if (this.#global.has(priv)) return true;
    return this.#databases.some((g) => g.privileges.has(priv) && dbMatches(g.db, db));
  }

  /** `priv` on `db`.`table`: globally, on the database, or on the table. */
  table(db: string, table: string, priv: string): boolean {
    if (this.database(db, priv)) return true;
    return this.#tables.get(`${db}\0${table}`)?.has(priv) ?? false;
  }

  /** Any privilege at all on `db` or one of its tables (USE, SHOW DATABASES visibility). */
  anyOnDatabase(db: string): boolean {
    if ([...this.#global].some((p) => p !== GRANT_OPTION && PRIVILEGE_COLUMN.has(p))) return true;
    if (this.#databases.some((g) => g.privileges.size > 0 && dbMatches(g.db, db))) return true;
    for (const key of this.#tables.keys()) if (key.startsWith(`${db}\0`)) return true;
    return false;
  }

  /** Any privilege on `db`.`table` (SHOW TABLES visibility, ER_TABLEACCESS_DENIED choice). */
  anyOnTable(db: string, table: string): boolean {
    return TABLE_PRIVILEGES.some((p) => this.table(db, table, p));
  }
}

/** A mysql.db Db value matches a database name: `%`/`_` wildcards, `\` escapes. */
function dbMatches(pattern: string, db: string): boolean {
  if (!/[%_]/.test(pattern)) return pattern === db;
  return wildcardMatches(pattern, db);
}
