/**
 * The session's privileges (from the grant tables "config" keeps in the store), cached until the
 * catalog epoch moves or the session changes user, and the checks statements make: 1142 for a
 * table, 1044 for a database, 1227 for a global privilege (MySQL 8.0 sql/auth/sql_authorization).
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { AccountStore, allGlobalPrivileges } from "../auth/account_store.ts";
import { Privileges } from "../auth/privileges.ts";
import type { TableAccess } from "./plan.ts";
import type { Session } from "./session.ts";

/** Databases every account may use and list: MySQL's in-memory schemas. */
const OPEN_SCHEMAS = new Set(["information_schema", "performance_schema"]);

/** The session's current privileges. A store without grant tables grants everything. */
export function privilegesOf(s: Session): Privileges {
  const epoch = s.engine.catalog.epoch;
  const hit = s.privilegeCache;
  if (hit !== null && hit.epoch === epoch) return hit.privileges;
  let privileges: Privileges;
  try {
    privileges = new AccountStore(s.db).privilegesFor(s.identity.user, s.identity.accountHost);
  } catch {
    privileges = new Privileges({
      global: new Set(allGlobalPrivileges()),
      databases: [],
      tables: new Map(),
    });
  }
  s.privilegeCache = { epoch, privileges };
  return privileges;
}

/** 1142: `SELECT command denied to user 'u'@'h' for table 't'`. */
export function tableAccessDenied(s: Session, priv: string, table: string): MysqlError {
  return new MysqlError(
    ER.ER_TABLEACCESS_DENIED_ERROR,
    `${priv} command denied to user '${s.identity.user}'@'${s.identity.host}' for table '${table}'`,
  );
}

/** 1044: `Access denied for user 'u'@'h' to database 'd'`. */
export function databaseAccessDenied(s: Session, db: string): MysqlError {
  return new MysqlError(
    ER.ER_DBACCESS_DENIED_ERROR,
    `Access denied for user '${s.identity.user}'@'${s.identity.host}' to database '${db}'`,
  );
}

/** Whether `priv` is held on `db`.`table`; a session's TEMPORARY tables need none (MySQL). */
function holds(s: Session, p: Privileges, priv: string, db: string, table: string): boolean {
  if (p.table(db, table, priv)) return true;
  if (OPEN_SCHEMAS.has(db.toLowerCase())) return true;
  return s.temps.size > 0 && s.temps.has(`${db}\0${table}`);
}

/** 1142 unless `priv` is held on `db`.`table`. */
export function checkTablePrivilege(s: Session, priv: string, db: string, table: string): void {
  if (!holds(s, privilegesOf(s), priv, db, table)) throw tableAccessDenied(s, priv, table);
}

/**
 * The hot-path check of a compiled plan: every (privilege, table) it needs. An account holding
 * the privilege globally (root) answers from one set lookup per entry.
 */
export function checkAccess(s: Session, access: readonly TableAccess[]): void {
  const p = privilegesOf(s);
  for (let i = 0; i < access.length; i++) {
    const a = access[i]!;
    if (p.global(a.priv)) continue;
    if (!holds(s, p, a.priv, a.db, a.table)) throw tableAccessDenied(s, a.priv, a.table);
  }
}

/** 1044 unless `priv` is held on every table of `db`. */
export function checkDatabasePrivilege(s: Session, priv: string, db: string): void {
  if (privilegesOf(s).database(db, priv)) return;
  throw databaseAccessDenied(s, db);
}

/** Whether the session may see `db` at all (USE, SHOW DATABASES, SHOW TABLES). */
export function canSeeDatabase(s: Session, db: string): boolean {
  if (OPEN_SCHEMAS.has(db.toLowerCase())) return true;
  const p = privilegesOf(s);
  return p.global("SHOW DATABASES") || p.anyOnDatabase(db);
}

/** 1044 unless the session holds some privilege on `db` (USE, COM_INIT_DB, SHOW TABLES). */
export function checkDatabaseVisible(s: Session, db: string): void {
  if (OPEN_SCHEMAS.has(db.toLowerCase()) || privilegesOf(s).anyOnDatabase(db)) return;
  throw databaseAccessDenied(s, db);
}

/** Whether the session holds any privilege on `db`.`table` (SHOW TABLES lists only those). */
export function canSeeTable(s: Session, db: string, table: string): boolean {
  const p = privilegesOf(s);
  return p.anyOnTable(db, table) || holds(s, p, "SELECT", db, table);
}

/** 1142 (as SELECT) unless some privilege is held on the table (SHOW COLUMNS, DESCRIBE). */
export function checkTableVisible(s: Session, db: string, table: string): void {
  if (!canSeeTable(s, db, table)) throw tableAccessDenied(s, "SELECT", table);
}

/** 1227 unless one of the global privileges is held. */
export function checkGlobalPrivilege(s: Session, ...privs: string[]): void {
  const p = privilegesOf(s);
  if (privs.some((priv) => p.global(priv))) return;
  throw new MysqlError(
    ER.ER_SPECIFIC_ACCESS_DENIED_ERROR,
    `Access denied; you need (at least one of) the ${
      privs.join(" or ")
    } privilege(s) for this operation`,
  );
}

/** 1146 for a missing table; 1142 instead when `priv` is not held there (MySQL hides which). */
export function missingTableError(s: Session, db: string, table: string, priv: string): MysqlError {
  if (!holds(s, privilegesOf(s), priv, db, table)) return tableAccessDenied(s, priv, table);
  return new MysqlError(ER.ER_NO_SUCH_TABLE, `Table '${db}.${table}' doesn't exist`);
}
