/**
 * GRANT and REVOKE of privileges (MySQL manual "GRANT Statement", "REVOKE Statement"), with
 * MySQL 8.0's checks: the grantee must exist (1410, GRANT never creates users), privileges must
 * fit the level (1221, 1144, 3619), the grantor needs GRANT OPTION and the privileges it passes
 * on, a table grant needs the table (1146), and revoking what was never granted fails (1141,
 * 1147). Roles and column privileges are not supported.
 */

import type { DatabaseSync } from "node:sqlite";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "../sql/token_cursor.ts";
import {
  type AccountName,
  parseAccountName,
  parsePrivilegeLevel,
  parsePrivilegeList,
  type PrivilegeLevel,
} from "./account_parser.ts";
import { allGlobalPrivileges, inWriteTransaction } from "./account_store.ts";
import {
  accountExists,
  readDbPrivileges,
  readTablePrivileges,
  writeDbPrivileges,
  writeGlobalPrivileges,
  writeTablePrivileges,
} from "./grant_tables.ts";
import {
  DB_PRIVILEGES,
  DYNAMIC_PRIVILEGES,
  GRANT_OPTION,
  type Privileges,
  TABLE_PRIVILEGES,
} from "./privileges.ts";

/** MySQL error numbers GRANT and REVOKE use beyond server/errors/mysql_error.ts. */
export const ER_WRONG_USAGE = 1221;
export const ER_ILLEGAL_GRANT_FOR_TABLE = 1144;
export const ER_NONEXISTING_TABLE_GRANT = 1147;
export const ER_CANT_CREATE_USER_WITH_GRANT = 1410;
export const ER_ILLEGAL_PRIVILEGE_LEVEL = 3619;

/** What GRANT / REVOKE need from the session. */
export interface GrantContext {
  db: DatabaseSync;
  privileges: Privileges;
  /** The session's account (CURRENT_USER()). */
  grantor: AccountName;
  /** The session's current database, for `*` and unqualified table names. */
  currentDb: string | null;
}

/** GRANT privs ON level TO account [, account] [WITH GRANT OPTION]; the cursor is past GRANT. */
export function executeGrant(c: TokenCursor, ctx: GrantContext): void {
  const listed = parsePrivilegeList(c);
  c.expectWord("ON");
  const level = parsePrivilegeLevel(c, ctx.currentDb);
  c.expectWord("TO");
  const accounts = parseAccountList(c, ctx.grantor);
  const privs = expandPrivileges(listed, level);
  if (c.acceptWord("WITH", "GRANT", "OPTION")) privs.push(GRANT_OPTION);
  c.expectEnd();
  checkGrantor(ctx, level, privs);
  if (level.kind === "table") requireTable(ctx.db, level.db, level.table);
  for (const a of accounts) {
    if (!accountExists(ctx.db, a.user, a.host)) {
      throw new MysqlError(
        ER_CANT_CREATE_USER_WITH_GRANT,
        "You are not allowed to create a user with GRANT",
        "42000",
      );
    }
  }
  inWriteTransaction(ctx.db, () => {
    for (const a of accounts) applyPrivileges(ctx, a, { level, privs, on: true });
  });
}

/**
 * REVOKE privs ON level FROM accounts, or REVOKE ALL [PRIVILEGES], GRANT OPTION FROM accounts;
 * the cursor is past REVOKE.
 */
export function executeRevoke(c: TokenCursor, ctx: GrantContext): void {
  const start = c.pos;
  if (c.acceptWord("ALL")) {
    c.acceptWord("PRIVILEGES");
    if (c.acceptOp(",") && c.acceptWord("GRANT", "OPTION") && c.acceptWord("FROM")) {
      const accounts = parseAccountList(c, ctx.grantor);
      c.expectEnd();
      if (!ctx.privileges.global("CREATE USER")) throw needPrivilege("CREATE USER");
      inWriteTransaction(ctx.db, () => {
        for (const a of accounts) revokeEverything(ctx.db, a);
      });
      return;
    }
    c.pos = start;
  }
  const listed = parsePrivilegeList(c);
  c.expectWord("ON");
  const level = parsePrivilegeLevel(c, ctx.currentDb);
  c.expectWord("FROM");
  const accounts = parseAccountList(c, ctx.grantor);
  c.expectEnd();
  const privs = expandPrivileges(listed, level);
  checkGrantor(ctx, level, privs);
  for (const a of accounts) checkRevocable(ctx.db, a, level);
  inWriteTransaction(ctx.db, () => {
    for (const a of accounts) applyPrivileges(ctx, a, { level, privs, on: false });
  });
}

/** `account [, account] ...`. */
export function parseAccountList(c: TokenCursor, current: AccountName): AccountName[] {
  const out = [parseAccountName(c, current)];
  while (c.acceptOp(",")) out.push(parseAccountName(c, current));
  return out;
}

/** MySQL's 1227 for a missing global privilege. */
export function needPrivilege(priv: string): MysqlError {
  return new MysqlError(
    ER.ER_SPECIFIC_ACCESS_DENIED_ERROR,
    `Access denied; you need (at least one of) the ${priv} privilege(s) for this operation`,
  );
}

/** ALL becomes the level's full list; USAGE nothing; each privilege must fit the level. */
function expandPrivileges(listed: readonly string[], level: PrivilegeLevel): string[] {
  const out = new Set<string>();
  const allowed = level.kind === "global"
    ? null
    : level.kind === "db"
    ? DB_PRIVILEGES
    : TABLE_PRIVILEGES;
  for (const p of listed) {
    if (p === "USAGE") continue;
    if (p === "ALL") {
      for (const q of allowed ?? allGlobalPrivileges()) if (q !== GRANT_OPTION) out.add(q);
      continue;
    }
    if (allowed !== null && p !== GRANT_OPTION && !allowed.includes(p)) {
      if (DYNAMIC_PRIVILEGES.includes(p)) {
        throw new MysqlError(
          ER_ILLEGAL_PRIVILEGE_LEVEL,
          `Illegal privilege level specified for ${p}`,
        );
      }
      throw level.kind === "db"
        ? new MysqlError(ER_WRONG_USAGE, "Incorrect usage of DB GRANT and GLOBAL PRIVILEGES")
        : new MysqlError(
          ER_ILLEGAL_GRANT_FOR_TABLE,
          "Illegal GRANT/REVOKE command; please consult the manual to see which privileges " +
            "can be used",
          "42000",
        );
    }
    out.add(p);
  }
  return [...out];
}

/** The grantor needs GRANT OPTION and every privilege it grants or revokes, at the level. */
function checkGrantor(ctx: GrantContext, level: PrivilegeLevel, privs: readonly string[]): void {
  const has = (p: string): boolean =>
    level.kind === "global"
      ? ctx.privileges.global(p)
      : level.kind === "db"
      ? ctx.privileges.database(level.db, p)
      : ctx.privileges.table(level.db, level.table, p);
  if (has(GRANT_OPTION) && privs.every(has)) return;
  const who = `'${ctx.grantor.user}'@'${ctx.grantor.host}'`;
  if (level.kind === "global") {
    throw new MysqlError(
      ER.ER_ACCESS_DENIED_ERROR,
      `Access denied for user ${who} (using password: YES)`,
    );
  }
  if (level.kind === "db") {
    throw new MysqlError(
      ER.ER_DBACCESS_DENIED_ERROR,
      `Access denied for user ${who} to database '${level.db}'`,
    );
  }
  throw new MysqlError(
    ER.ER_TABLEACCESS_DENIED_ERROR,
    `GRANT command denied to user ${who} for table '${level.table}'`,
  );
}

function requireTable(db: DatabaseSync, dbName: string, table: string): void {
  const row = db.prepare(
    "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?",
  ).get(`${dbName}.${table}`);
  if (!row) throw new MysqlError(ER.ER_NO_SUCH_TABLE, `Table '${dbName}.${table}' doesn't exist`);
}

function noSuchGrant(a: AccountName): MysqlError {
  return new MysqlError(
    ER.ER_NONEXISTING_GRANT,
    `There is no such grant defined for user '${a.user}' on host '${a.host}'`,
  );
}

function checkRevocable(db: DatabaseSync, a: AccountName, level: PrivilegeLevel): void {
  if (!accountExists(db, a.user, a.host)) throw noSuchGrant(a);
  if (level.kind === "db") {
    if (!readDbPrivileges(db, a.user, a.host).some((g) => g.db === level.db)) throw noSuchGrant(a);
  } else if (level.kind === "table") {
    if (!readTablePrivileges(db, a.user, a.host).has(`${level.db}\0${level.table}`)) {
      throw new MysqlError(
        ER_NONEXISTING_TABLE_GRANT,
        `There is no such grant defined for user '${a.user}' on host '${a.host}' on table ` +
          `'${level.table}'`,
        "42000",
      );
    }
  }
}

function applyPrivileges(
  ctx: GrantContext,
  a: AccountName,
  change: { level: PrivilegeLevel; privs: string[]; on: boolean },
): void {
  const { level, privs, on } = change;
  if (level.kind === "global") {
    writeGlobalPrivileges(ctx.db, a, { privileges: privs, on });
  } else if (level.kind === "db") {
    writeDbPrivileges(ctx.db, { ...a, db: level.db }, { privileges: privs, on });
  } else {
    const held = readTablePrivileges(ctx.db, a.user, a.host).get(`${level.db}\0${level.table}`) ??
      new Set<string>();
    for (const p of privs) {
      if (on) held.add(p);
      else held.delete(p);
    }
    const grantor = `${ctx.grantor.user}@${ctx.grantor.host}`;
    writeTablePrivileges(ctx.db, { ...a, db: level.db, table: level.table, grantor }, held);
  }
}

function revokeEverything(db: DatabaseSync, a: AccountName): void {
  if (!accountExists(db, a.user, a.host)) throw noSuchGrant(a);
  writeGlobalPrivileges(db, a, { privileges: allGlobalPrivileges(), on: false });
  for (const g of readDbPrivileges(db, a.user, a.host)) {
    writeDbPrivileges(db, { ...a, db: g.db }, {
      privileges: [...DB_PRIVILEGES, GRANT_OPTION],
      on: false,
    });
  }
  for (const key of readTablePrivileges(db, a.user, a.host).keys()) {
    const [dbName, table] = key.split("\0") as [string, string];
    writeTablePrivileges(db, { ...a, db: dbName, table, grantor: "" }, new Set());
  }
}
