/**
 * SHOW GRANTS and SHOW CREATE USER text, as MySQL 8.0 prints it:
 *
 *     GRANT USAGE ON *.* TO `jeffrey`@`localhost`
 *     GRANT SELECT, INSERT, UPDATE ON `db1`.* TO `jeffrey`@`localhost`
 *
 * One difference, on purpose: an account holding every static and dynamic global privilege is
 * shown as `GRANT ALL PRIVILEGES ON *.* ...` (MySQL 8.0 spells out the static list and adds a
 * second line of dynamic privileges).
 */

import type { DatabaseSync } from "node:sqlite";
import {
  readDbPrivileges,
  readGlobalPrivileges,
  readTablePrivileges,
  USER_TABLE,
} from "./grant_tables.ts";
import {
  DB_PRIVILEGES,
  DYNAMIC_PRIVILEGES,
  GRANT_OPTION,
  STATIC_PRIVILEGES,
  TABLE_PRIVILEGES,
} from "./privileges.ts";

/** `name` in backticks, backticks doubled. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

/** An account as GRANT text names it: `user`@`host`. */
export function accountText(user: string, host: string): string {
  return `${quoteIdentifier(user)}@${quoteIdentifier(host)}`;
}

/** An account as error messages name it: 'user'@'host'. */
export function accountQuoted(user: string, host: string): string {
  return `'${user}'@'${host}'`;
}

function grantLine(privs: string, on: string, to: string, withGrant: boolean): string {
  return `GRANT ${privs} ON ${on} TO ${to}${withGrant ? " WITH GRANT OPTION" : ""}`;
}

/** Privileges of one level in MySQL's order; ALL PRIVILEGES when every one is held. */
function privilegeList(held: ReadonlySet<string>, order: readonly string[]): string {
  const list = order.filter((p) => held.has(p));
  if (list.length === 0) return "USAGE";
  if (list.length === order.length) return "ALL PRIVILEGES";
  return list.join(", ");
}

/** The lines of SHOW GRANTS FOR user@host (the account must exist). */
export function showGrantsLines(db: DatabaseSync, user: string, host: string): string[] {
  const to = accountText(user, host);
  const global = readGlobalPrivileges(db, user, host);
  const statics = STATIC_PRIVILEGES.map(([p]) => p);
  const everything = [...statics, ...DYNAMIC_PRIVILEGES].every((p) => global.has(p));
  const lines = [grantLine(privilegeList(global, statics), "*.*", to, global.has(GRANT_OPTION))];
  const dynamic = DYNAMIC_PRIVILEGES.filter((p) => global.has(p));
  if (!everything && dynamic.length > 0) {
    // MySQL joins dynamic privileges with a bare comma.
    lines.push(grantLine([...dynamic].sort().join(","), "*.*", to, global.has(GRANT_OPTION)));
  }
  for (const g of readDbPrivileges(db, user, host)) {
    const on = `${quoteIdentifier(g.db)}.*`;
    lines.push(
      grantLine(privilegeList(g.privileges, DB_PRIVILEGES), on, to, g.privileges.has(GRANT_OPTION)),
    );
  }
  for (const [key, privs] of readTablePrivileges(db, user, host)) {
    const [dbName, table] = key.split("\0") as [string, string];
    const on = `${quoteIdentifier(dbName)}.${quoteIdentifier(table)}`;
    lines.push(grantLine(privilegeList(privs, TABLE_PRIVILEGES), on, to, privs.has(GRANT_OPTION)));
  }
  return lines;
}

/** SHOW CREATE USER's text for user@host (MySQL 8.0's full form), or null if no account. */
export function showCreateUserText(db: DatabaseSync, user: string, host: string): string | null {
  const row = db.prepare(
    `SELECT plugin, authentication_string, account_locked FROM ${USER_TABLE} ` +
      `WHERE User = ? AND Host = ?`,
  ).get(user, host);
  if (!row) return null;
  const auth = String(row.authentication_string);
  const as = auth === "" ? "" : ` AS '${auth}'`;
  return `CREATE USER ${accountText(user, host)} IDENTIFIED WITH '${row.plugin}'${as} ` +
    `REQUIRE NONE PASSWORD EXPIRE DEFAULT ACCOUNT ${
      row.account_locked === "Y" ? "LOCK" : "UNLOCK"
    } ` +
    `PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT`;
}
