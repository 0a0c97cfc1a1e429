/**
 * The session's commands that are not statements: COM_INIT_DB (and USE), COM_FIELD_LIST, and
 * COM_RESET_CONNECTION / COM_CHANGE_USER, which return the session to the state of a new
 * connection (mysql_reset_connection(): transaction rolled back, locks released, TEMPORARY
 * tables and prepared statements dropped, user variables cleared, variables reset).
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { ColumnMeta, SessionIdentity } from "./types.ts";
import type { Session } from "./session.ts";
import type { SessionPrepared } from "./session_prepared.ts";
import { fieldListColumns } from "./show_create_table.ts";
import { checkDatabaseVisible, checkTableVisible } from "./privilege_checks.ts";

/** Make `db` the current database: 1044 when out of reach, else 1049 when it does not exist. */
export function useDatabase(s: Session, db: string): void {
  // MySQL checks access before existence: an unreachable database is 1044, not 1049.
  checkDatabaseVisible(s, db);
  const catalog = s.engine.catalog;
  if (
    !catalog.schema(db) && db.toLowerCase() !== "information_schema" &&
    db.toLowerCase() !== "performance_schema"
  ) {
    catalog.refresh(s.conn.db);
    if (!catalog.schema(db)) {
      throw new MysqlError(ER.ER_BAD_DB_ERROR, `Unknown database '${db}'`);
    }
  }
  s.currentDb = db;
}

/** COM_FIELD_LIST: the columns of `table` in the current database matching `wildcard`. */
export function fieldList(s: Session, table: string, wildcard: string): ColumnMeta[] {
  if (s.currentDb === null) throw new MysqlError(ER.ER_NO_DB_ERROR, "No database selected");
  checkTableVisible(s, s.currentDb, table);
  const def = s.findTable(s.currentDb, table);
  if (!def) {
    throw new MysqlError(ER.ER_NO_SUCH_TABLE, `Table '${s.currentDb}.${table}' doesn't exist`);
  }
  return fieldListColumns(def, wildcard);
}

/** COM_RESET_CONNECTION and COM_CHANGE_USER (with the new `identity`); `prepared` are the
 * session's open prepared statements, all closed. */
export function resetSession(
  s: Session,
  prepared: ReadonlySet<SessionPrepared>,
  identity: SessionIdentity | undefined,
): void {
  s.readGroup.end();
  s.txn.rollback();
  s.locks?.releaseAll();
  dropTemporaryTables(s);
  for (const p of [...prepared]) p.close();
  s.userVars.clear();
  s.warnings = [];
  s.vars.reset();
  s.variablesChanged();
  s.lastInsertIdValue = 0;
  if (identity) s.identity = identity;
  s.privilegeCache = null;
  s.currentDb = null;
  if (s.identity.db !== null) {
    try {
      useDatabase(s, s.identity.db);
    } catch {
      s.currentDb = null;
    }
  }
}

/** Drop the session's TEMPORARY tables. */
export function dropTemporaryTables(s: Session): void {
  if (s.temps.size === 0) return;
  for (const t of s.temps.values()) {
    try {
      s.conn.db.exec(
        `DROP TABLE IF EXISTS temp."${`${t.db}.${t.name}`.replaceAll('"', '""')}"`,
      );
    } catch {
      // The connection is being recycled; a failed drop leaves nothing another session sees.
    }
  }
  s.temps.clear();
  s.conn.invalidate();
}
