/**
 * The grant tables in the store, named and shaped after MySQL's (the MySQL table mysql.user is
 * the SQLite table "mysql.user"): mysql.user (accounts and global static privileges, Y/N
 * columns), mysql.db (database privileges), mysql.tables_priv (table privileges, a SET-like
 * text column) and mysql.global_grants (dynamic privileges). Two extra mysql.user columns,
 * Mydeno_native_hash (hex SHA1(SHA1(pw))) and Mydeno_sha2_hash (hex SHA256(SHA256(pw))), keep
 * both hashes whatever the account's plugin, so a client may log in with either plugin.
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  DB_PRIVILEGES,
  DYNAMIC_PRIVILEGES,
  GRANT_OPTION,
  PRIVILEGE_COLUMN,
  STATIC_PRIVILEGES,
  TABLE_PRIVILEGES,
} from "./privileges.ts";

/** SQLite names of the grant tables. */
export const USER_TABLE = '"mysql.user"';
export const DB_TABLE = '"mysql.db"';
export const TABLES_PRIV_TABLE = '"mysql.tables_priv"';
export const GLOBAL_GRANTS_TABLE = '"mysql.global_grants"';

/** One mysql.user row, as the server needs it. */
export interface AccountRow {
  user: string;
  host: string;
  plugin: string;
  /** As MySQL shows it: `*HEX` for mysql_native_password, "" for no password. */
  authString: string;
  /** Hex SHA1(SHA1(pw)), "" for no password. */
  nativeHex: string;
  /** Hex SHA256(SHA256(pw)), "" for no password. */
  sha2Hex: string;
  locked: boolean;
}

const DB_COLUMNS = DB_PRIVILEGES.map((p) => PRIVILEGE_COLUMN.get(p)!);

/** mysql.tables_priv Table_priv members (MySQL's spelling) by privilege. */
const TABLE_PRIV_MEMBER: ReadonlyMap<string, string> = new Map([
  ...TABLE_PRIVILEGES.map((p): [string, string] => [
    p,
    p === "SHOW VIEW" ? "Show view" : p.split(" ").map(capitalize).join(" "),
  ]),
  [GRANT_OPTION, "Grant"],
]);
const TABLE_PRIV_BY_MEMBER = new Map([...TABLE_PRIV_MEMBER].map(([p, m]) => [m, p]));

function capitalize(word: string): string {
  return word[0]! + word.slice(1).toLowerCase();
}

function yn(columns: readonly string[]): string {
  return columns.map((c) => `${c} TEXT NOT NULL DEFAULT 'N'`).join(", ");
}

/** Create the grant tables if missing. */
export function createGrantTables(db: DatabaseSync): void {
  const userPrivs = yn([...STATIC_PRIVILEGES.map(([, c]) => c), "Grant_priv"]);
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${USER_TABLE} (Host TEXT NOT NULL, User TEXT NOT NULL, ` +
      `${userPrivs}, plugin TEXT NOT NULL, authentication_string TEXT NOT NULL DEFAULT '', ` +
      `password_expired TEXT NOT NULL DEFAULT 'N', account_locked TEXT NOT NULL DEFAULT 'N', ` +
      `Mydeno_native_hash TEXT NOT NULL DEFAULT '', Mydeno_sha2_hash TEXT NOT NULL DEFAULT '', ` +
      `PRIMARY KEY (Host, User))`,
  );
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${DB_TABLE} (Host TEXT NOT NULL, Db TEXT NOT NULL, ` +
      `User TEXT NOT NULL, ${yn([...DB_COLUMNS, "Grant_priv"])}, PRIMARY KEY (Host, Db, User))`,
  );
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${TABLES_PRIV_TABLE} (Host TEXT NOT NULL, Db TEXT NOT NULL, ` +
      `User TEXT NOT NULL, Table_name TEXT NOT NULL, Grantor TEXT NOT NULL DEFAULT '', ` +
      `Timestamp TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, Table_priv TEXT NOT NULL DEFAULT '', ` +
      `Column_priv TEXT NOT NULL DEFAULT '', PRIMARY KEY (Host, Db, User, Table_name))`,
  );
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${GLOBAL_GRANTS_TABLE} (USER TEXT NOT NULL, HOST TEXT NOT NULL, ` +
      `PRIV TEXT NOT NULL, WITH_GRANT_OPTION TEXT NOT NULL DEFAULT 'N', ` +
      `PRIMARY KEY (USER, HOST, PRIV))`,
  );
}

/** The statement of `readAccounts` per store connection: every login runs it, and preparing
 * it costs more than running it. */
const accountQueries = new WeakMap<DatabaseSync, StatementSync>();

/** Accounts named `user`, plus anonymous ('') accounts, in table order. */
export function readAccounts(db: DatabaseSync, user: string): AccountRow[] {
  let query = accountQueries.get(db);
  if (query === undefined) {
    query = db.prepare(
      `SELECT User, Host, plugin, authentication_string, Mydeno_native_hash, Mydeno_sha2_hash, ` +
        `account_locked FROM ${USER_TABLE} WHERE User = ? OR User = ''`,
    );
    accountQueries.set(db, query);
  }
  const rows = query.all(user);
  return rows.map((r) => ({
    user: String(r.User),
    host: String(r.Host),
    plugin: String(r.plugin),
    authString: String(r.authentication_string),
    nativeHex: String(r.Mydeno_native_hash),
    sha2Hex: String(r.Mydeno_sha2_hash),
    locked: r.account_locked === "Y",
  }));
}

/** Whether the account user@host exists (exact host, case-insensitive as MySQL stores it). */
export function accountExists(db: DatabaseSync, user: string, host: string): boolean {
  return db.prepare(`SELECT 1 FROM ${USER_TABLE} WHERE User = ? AND lower(Host) = lower(?)`)
    .get(user, host) !== undefined;
}

/** Global privileges, static and dynamic, with GRANT OPTION when held. */
export function readGlobalPrivileges(db: DatabaseSync, user: string, host: string): Set<string> {
  const out = new Set<string>();
  const row = db.prepare(`SELECT * FROM ${USER_TABLE} WHERE User = ? AND Host = ?`).get(
    user,
    host,
  );
  if (!row) return out;
  for (const [priv, column] of STATIC_PRIVILEGES) if (row[column] === "Y") out.add(priv);
  if (row.Grant_priv === "Y") out.add(GRANT_OPTION);
  const dyn = db.prepare(`SELECT PRIV FROM ${GLOBAL_GRANTS_TABLE} WHERE USER = ? AND HOST = ?`)
    .all(user, host);
  for (const r of dyn) out.add(String(r.PRIV));
  return out;
}

/** Database grants of user@host: database pattern → privileges (with GRANT OPTION). */
export function readDbPrivileges(
  db: DatabaseSync,
  user: string,
  host: string,
): Array<{ db: string; privileges: Set<string> }> {
  const rows = db.prepare(`SELECT * FROM ${DB_TABLE} WHERE User = ? AND Host = ? ORDER BY Db`)
    .all(user, host);
  return rows.map((row) => {
    const privileges = new Set(DB_PRIVILEGES.filter((p) => row[PRIVILEGE_COLUMN.get(p)!] === "Y"));
    if (row.Grant_priv === "Y") privileges.add(GRANT_OPTION);
    return { db: String(row.Db), privileges };
  });
}

/** Table grants of user@host, keyed by db + "\0" + table, in name order. */
export function readTablePrivileges(
  db: DatabaseSync,
  user: string,
  host: string,
): Map<string, Set<string>> {
  const rows = db.prepare(
    `SELECT Db, Table_name, Table_priv FROM ${TABLES_PRIV_TABLE} WHERE User = ? AND Host = ? ` +
      `ORDER BY Db, Table_name`,
  ).all(user, host);
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const members = String(r.Table_priv).split(",").filter((m) => m !== "");
    const privs = new Set(members.map((m) => TABLE_PRIV_BY_MEMBER.get(m)!).filter(Boolean));
    out.set(`${r.Db}\0${r.Table_name}`, privs);
  }
  return out;
}

/** Set global privileges of user@host on (grant) or off (revoke). */
export function writeGlobalPrivileges(
  db: DatabaseSync,
  account: { user: string; host: string },
  change: { privileges: readonly string[]; on: boolean },
): void {
  const flag = change.on ? "Y" : "N";
  for (const priv of change.privileges) {
    const column = priv === GRANT_OPTION ? "Grant_priv" : PRIVILEGE_COLUMN.get(priv);
    if (column !== undefined) {
      db.prepare(`UPDATE ${USER_TABLE} SET ${column} = ? WHERE User = ? AND Host = ?`)
        .run(flag, account.user, account.host);
    } else if (DYNAMIC_PRIVILEGES.includes(priv)) {
      db.prepare(
        change.on
          ? `INSERT OR IGNORE INTO ${GLOBAL_GRANTS_TABLE} (USER, HOST, PRIV) VALUES (?, ?, ?)`
          : `DELETE FROM ${GLOBAL_GRANTS_TABLE} WHERE USER = ? AND HOST = ? AND PRIV = ?`,
      ).run(account.user, account.host, priv);
    }
  }
}

/** Set database privileges on `dbName` on or off; a row left with nothing is removed. */
export function writeDbPrivileges(
  db: DatabaseSync,
  account: { user: string; host: string; db: string },
  change: { privileges: readonly string[]; on: boolean },
): void {
  const { user, host } = account;
  db.prepare(`INSERT OR IGNORE INTO ${DB_TABLE} (Host, Db, User) VALUES (?, ?, ?)`)
    .run(host, account.db, user);
  for (const priv of change.privileges) {
    const column = priv === GRANT_OPTION ? "Grant_priv" : PRIVILEGE_COLUMN.get(priv)!;
    db.prepare(`UPDATE ${DB_TABLE} SET ${column} = ? WHERE Host = ? AND Db = ? AND User = ?`)
      .run(change.on ? "Y" : "N", host, account.db, user);
  }
  const none = [...DB_COLUMNS, "Grant_priv"].map((c) => `${c} = 'N'`).join(" AND ");
  db.prepare(`DELETE FROM ${DB_TABLE} WHERE Host = ? AND Db = ? AND User = ? AND ${none}`)
    .run(host, account.db, user);
}

/** Replace the table privileges of user@host on db.table; an empty set removes the row. */
export function writeTablePrivileges(
  db: DatabaseSync,
  account: { user: string; host: string; db: string; table: string; grantor: string },
  privileges: ReadonlySet<string>,
): void {
  const { user, host } = account;
  const members = [...TABLE_PRIV_MEMBER].filter(([p]) => privileges.has(p)).map(([, m]) => m);
  if (members.length === 0) {
    db.prepare(
      `DELETE FROM ${TABLES_PRIV_TABLE} WHERE Host = ? AND Db = ? AND User = ? AND Table_name = ?`,
    ).run(host, account.db, user, account.table);
    return;
  }
  db.prepare(
    `INSERT INTO ${TABLES_PRIV_TABLE} (Host, Db, User, Table_name, Grantor, Table_priv) ` +
      `VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (Host, Db, User, Table_name) DO UPDATE SET ` +
      `Table_priv = excluded.Table_priv, Grantor = excluded.Grantor`,
  ).run(host, account.db, user, account.table, account.grantor, members.join(","));
}
