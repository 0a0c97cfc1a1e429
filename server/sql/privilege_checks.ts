/**
 * The session's privileges (from the grant tables "config" keeps in the store), cached until the
 * catalog epoch moves, and the checks statements make: 1142 for a table, 1044 for a database.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import { AccountStore, allGlobalPrivileges } from "../auth/account_store.ts";
import { Privileges } from "../auth/privileges.ts";
import type { Session } from "./session.ts";

const cache = new WeakMap<Session, { epoch: number; privileges: Privileges }>();

/** The session's current privileges. A store without grant tables grants everything. */
export function privilegesOf(s: Session): Privileges {
  const epoch = s.engine.catalog.epoch;
  const hit = cache.get(s);
  if (hit && hit.epoch === epoch) return hit.privileges;
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
  cache.set(s, { epoch, privileges });
  return privileges;
}

/** 1142: `SELECT command denied to user 'u'@'h' for table 't'` unless the privilege is held. */
export function checkTablePrivilege(s: Session, priv: string, db: string, table: string): void {
  if (db.toLowerCase() === "information_schema") return;
  if (privilegesOf(s).table(db, table, priv)) return;
  throw new MysqlError(
    ER.ER_TABLEACCESS_DENIED_ERROR,
    `${priv} command denied to user '${s.identity.user}'@'${s.identity.host}' for table '${table}'`,
  );
}

/** 1044: `Access denied for user 'u'@'h' to database 'd'` unless the privilege is held. */
export function checkDatabasePrivilege(s: Session, priv: string, db: string): void {
  if (privilegesOf(s).database(db, priv)) return;
  throw new MysqlError(
    ER.ER_DBACCESS_DENIED_ERROR,
    `Access denied for user '${s.identity.user}'@'${s.identity.host}' to database '${db}'`,
  );
}

/** 1227 unless the global privilege is held. */
export function checkGlobalPrivilege(s: Session, priv: string): void {
  if (privilegesOf(s).global(priv)) return;
  throw new MysqlError(
    ER.ER_SPECIFIC_ACCESS_DENIED_ERROR,
    `Access denied; you need (at least one of) the ${priv} privilege(s) for this operation`,
  );
}
