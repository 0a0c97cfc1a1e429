/**
 * Accounts and their privileges, kept in the store's grant tables (see grant_tables.ts).
 *
 * `bootstrapAccounts` creates the tables and, on first start, root@localhost with ALL
 * PRIVILEGES WITH GRANT OPTION plus MySQL 8.0's locked system accounts. Loopback clients
 * (127.0.0.1, ::1) and Unix-socket clients are all 'localhost', so root@localhost is the one
 * root account (as MySQL 8.0's --initialize creates it) and `mariadb -h127.0.0.1 -uroot` finds
 * it.
 */

import type { DatabaseSync } from "node:sqlite";
import {
  accountExists,
  createGrantTables,
  DB_TABLE,
  GLOBAL_GRANTS_TABLE,
  readAccounts,
  readDbPrivileges,
  readGlobalPrivileges,
  readTablePrivileges,
  TABLES_PRIV_TABLE,
  USER_TABLE,
  writeGlobalPrivileges,
} from "./grant_tables.ts";
import { clientHostNames, hostMatches, hostSpecificity } from "./host_match.ts";
import { fromHex, nativeAuthString, sha2Hash, toHex } from "./password_hash.ts";
import { DYNAMIC_PRIVILEGES, GRANT_OPTION, Privileges, STATIC_PRIVILEGES } from "./privileges.ts";

/** Authentication plugins accounts may use. */
export const AUTH_PLUGINS = ["mysql_native_password", "caching_sha2_password"] as const;
/** One of `AUTH_PLUGINS`. */
export type AuthPlugin = typeof AUTH_PLUGINS[number];

/** An account found for a login. */
export interface AccountMatch {
  user: string;
  /** The host pattern that matched (CURRENT_USER()'s host part). */
  host: string;
  plugin: string;
  /** SHA1(SHA1(pw)); null for an empty password. */
  nativeHash: Uint8Array | null;
  /** SHA256(SHA256(pw)); null for an empty password. */
  sha2Hash: Uint8Array | null;
  locked: boolean;
}

/** MySQL 8.0's placeholder authentication string of its locked system accounts. */
const INVALID_AUTH = "$A$005$THISISACOMBINATIONOFINVALIDSALTANDPASSWORDTHATMUSTNEVERBRBEUSED";
const SYSTEM_ACCOUNTS = ["mysql.infoschema", "mysql.session", "mysql.sys"];

/** Every global privilege ALL PRIVILEGES ON *.* gives, with GRANT OPTION. */
export function allGlobalPrivileges(): string[] {
  return [...STATIC_PRIVILEGES.map(([p]) => p), ...DYNAMIC_PRIVILEGES, GRANT_OPTION];
}

/**
 * Create the grant tables and, if there are no accounts yet, root@localhost with `rootPassword`
 * (null or "" = no password) and every privilege. Safe to call on every start: existing
 * accounts are left alone. Returns whether root was created.
 */
export function bootstrapAccounts(
  db: DatabaseSync,
  options: { rootPassword: string | null },
): boolean {
  return inWriteTransaction(db, () => {
    createGrantTables(db);
    const count = db.prepare(`SELECT count(*) AS n FROM ${USER_TABLE}`).get();
    if (Number(count?.n) > 0) return false;
    const store = new AccountStore(db);
    store.createAccount({
      user: "root",
      host: "localhost",
      plugin: "mysql_native_password",
      password: options.rootPassword ?? "",
    });
    writeGlobalPrivileges(db, { user: "root", host: "localhost" }, {
      privileges: allGlobalPrivileges(),
      on: true,
    });
    for (const user of SYSTEM_ACCOUNTS) {
      db.prepare(
        `INSERT INTO ${USER_TABLE} (Host, User, plugin, authentication_string, account_locked) ` +
          `VALUES ('localhost', ?, 'caching_sha2_password', ?, 'Y')`,
      ).run(user, INVALID_AUTH);
    }
    return true;
  });
}

/**
 * Run `fn` atomically: in a BEGIN IMMEDIATE transaction (the write lock taken up front, see
 * DENO_NOTES), or in a savepoint when the caller already has a transaction open.
 */
export function inWriteTransaction<T>(db: DatabaseSync, fn: () => T): T {
  const nested = db.isTransaction;
  db.exec(nested ? "SAVEPOINT mydeno_accounts" : "BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec(nested ? "RELEASE mydeno_accounts" : "COMMIT");
    return result;
  } catch (e) {
    if (nested) db.exec("ROLLBACK TO mydeno_accounts; RELEASE mydeno_accounts");
    else if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}

/** Reads and changes accounts in the grant tables of one store connection. */
export class AccountStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /**
   * The account `user` logs in as from `clientHost` (a name or IP; "localhost" for loopback
   * and Unix sockets): the most specific matching host pattern first, a named user before the
   * anonymous '' user, as MySQL sorts its ACL. Null when nothing matches.
   */
  findAccount(user: string, clientHost: string): AccountMatch | null {
    const names = clientHostNames(clientHost);
    let best: { row: ReturnType<typeof readAccounts>[number]; key: number[] } | null = null;
    for (const row of readAccounts(this.#db, user)) {
      const index = names.findIndex((h) => hostMatches(row.host, h));
      if (index < 0) continue;
      // Larger is better: specificity, then earlier client name, then named over anonymous.
      const key = [hostSpecificity(row.host), -index, row.user === "" ? 0 : 1];
      if (best === null || compareKeys(key, best.key) > 0) best = { row, key };
    }
    if (best === null) return null;
    const { row } = best;
    return {
      user: row.user,
      host: row.host,
      plugin: row.plugin,
      nativeHash: fromHex(row.nativeHex),
      sha2Hash: fromHex(row.sha2Hex),
      locked: row.locked,
    };
  }

  /** The privileges of the account user@accountHost (the pattern findAccount returned). */
  privilegesFor(user: string, accountHost: string): Privileges {
    const db = this.#db;
    if (!accountExists(db, user, accountHost)) return Privileges.none();
    return new Privileges({
      global: readGlobalPrivileges(db, user, accountHost),
      databases: readDbPrivileges(db, user, accountHost),
      tables: readTablePrivileges(db, user, accountHost),
    });
  }

  /** Whether user@host exists. */
  exists(user: string, host: string): boolean {
    return accountExists(this.#db, user, host);
  }

  /** Insert an account with no privileges (USAGE). The caller checks it does not exist. */
  createAccount(account: { user: string; host: string; plugin: string; password: string }): void {
    this.#db.prepare(
      `INSERT INTO ${USER_TABLE} (Host, User, plugin) VALUES (?, ?, ?)`,
    ).run(account.host, account.user, account.plugin);
    this.setPassword(account);
  }

  /** Set the password (and optionally the plugin) of an existing account. */
  setPassword(account: { user: string; host: string; plugin?: string; password: string }): void {
    const { user, host, password } = account;
    const plugin = account.plugin ??
      String(
        this.#db.prepare(`SELECT plugin FROM ${USER_TABLE} WHERE User = ? AND Host = ?`)
          .get(user, host)?.plugin ?? "mysql_native_password",
      );
    const sha2 = password === "" ? "" : toHex(sha2Hash(password));
    // caching_sha2_password's real authentication_string is a salted crypt string; mydeno
    // shows the fast-path hash there instead (it never verifies against the crypt form).
    const shown = plugin === "caching_sha2_password"
      ? (sha2 === "" ? "" : `$mydeno-sha2$${sha2}`)
      : nativeAuthString(password);
    this.#db.prepare(
      `UPDATE ${USER_TABLE} SET plugin = ?, authentication_string = ?, Mydeno_sha2_hash = ?, ` +
        `Mydeno_native_hash = ? WHERE User = ? AND Host = ?`,
    ).run(plugin, shown, sha2, nativeAuthString(password).slice(1), user, host);
  }

  /**
   * Set a mysql_native_password account's stored hash directly (`IDENTIFIED WITH
   * mysql_native_password AS '*HEX'`, as dump tools write accounts). Returns false when the
   * text is not such a hash. The account then has no caching_sha2_password hash.
   */
  setNativeHash(account: { user: string; host: string; hash: string }): boolean {
    const { user, host, hash } = account;
    if (hash !== "" && !/^\*[0-9A-Fa-f]{40}$/.test(hash)) return false;
    this.#db.prepare(
      `UPDATE ${USER_TABLE} SET plugin = 'mysql_native_password', authentication_string = ?, ` +
        `Mydeno_native_hash = ?, Mydeno_sha2_hash = '' WHERE User = ? AND Host = ?`,
    ).run(hash.toUpperCase(), hash.slice(1).toUpperCase(), user, host);
    return true;
  }

  /** Remove an account and every grant it holds. */
  dropAccount(user: string, host: string): void {
    const db = this.#db;
    db.prepare(`DELETE FROM ${USER_TABLE} WHERE User = ? AND Host = ?`).run(user, host);
    db.prepare(`DELETE FROM ${DB_TABLE} WHERE User = ? AND Host = ?`).run(user, host);
    db.prepare(`DELETE FROM ${TABLES_PRIV_TABLE} WHERE User = ? AND Host = ?`).run(user, host);
    db.prepare(`DELETE FROM ${GLOBAL_GRANTS_TABLE} WHERE USER = ? AND HOST = ?`).run(user, host);
  }

  /** Rename an account, carrying its grants. */
  renameAccount(from: { user: string; host: string }, to: { user: string; host: string }): void {
    const db = this.#db;
    for (const table of [USER_TABLE, DB_TABLE, TABLES_PRIV_TABLE]) {
      db.prepare(`UPDATE ${table} SET User = ?, Host = ? WHERE User = ? AND Host = ?`)
        .run(to.user, to.host, from.user, from.host);
    }
    db.prepare(`UPDATE ${GLOBAL_GRANTS_TABLE} SET USER = ?, HOST = ? WHERE USER = ? AND HOST = ?`)
      .run(to.user, to.host, from.user, from.host);
  }
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
