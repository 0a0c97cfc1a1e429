/**
 * Parsing the pieces of MySQL's account-management statements (MySQL manual "Specifying
 * Account Names", "CREATE USER Statement", "GRANT Statement"): account names, IDENTIFIED
 * clauses, privilege lists and privilege levels.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "../sql/token_cursor.ts";
import { DYNAMIC_PRIVILEGES, GRANT_OPTION, STATIC_PRIVILEGES } from "./privileges.ts";

/** ER_WRONG_STRING_LENGTH: a user name over 32 characters. */
export const ER_WRONG_STRING_LENGTH = 1470;

/** user@host as an account statement names it. */
export interface AccountName {
  user: string;
  host: string;
}

/** An IDENTIFIED clause. */
export interface AuthOption {
  /** Plugin from IDENTIFIED WITH (or the trailing WITH), null for the default. */
  plugin: string | null;
  /** Clear-text password from BY, null when not given. */
  password: string | null;
  /** Stored hash from AS '...' or BY PASSWORD '...', null when not given. */
  hash: string | null;
}

/** Where GRANT / REVOKE apply. */
export type PrivilegeLevel =
  | { kind: "global" }
  | { kind: "db"; db: string }
  | { kind: "table"; db: string; table: string };

/** Account options after the accounts: what mydeno keeps (ACCOUNT LOCK / UNLOCK). */
export interface AccountOptions {
  lock: boolean | null;
}

const PLUGIN_WORDS = new Set(["MYSQL_NATIVE_PASSWORD", "CACHING_SHA2_PASSWORD"]);

/**
 * `'u'@'h'`, `u@h`, `` `u`@`h` ``, `'u'` (host '%'), CURRENT_USER[()] or USER() (the session's
 * own account). Host names are stored in lower case, as MySQL 8.0 does.
 */
export function parseAccountName(c: TokenCursor, current: AccountName): AccountName {
  if (
    c.acceptWord("CURRENT_USER") || (c.isWord("USER") && c.isOp("(", 1) && c.acceptWord("USER"))
  ) {
    if (c.acceptOp("(")) c.expectOp(")");
    return current;
  }
  const user = c.name();
  if (user.length > 32) {
    throw new MysqlError(
      ER_WRONG_STRING_LENGTH,
      `String '${user}' is too long for user name (should be no longer than 32)`,
    );
  }
  const at = c.peek();
  if (at.kind !== "user_var") return { user, host: "%" };
  c.next();
  let host = at.value;
  let end = at.end;
  if (host === "") {
    const t = c.peek();
    if (t.kind === "op" && t.value === "%") host = c.next().value;
    else host = c.name();
    end = c.tokens[c.pos - 1]!.end;
  }
  // An unquoted host such as u@192.168.1.1 or u@host-1 arrives in pieces: glue adjacent ones.
  for (;;) {
    const t = c.peek();
    const glue = t.start === end &&
      (t.kind === "number" || t.kind === "word" || (t.kind === "op" && ".%-:".includes(t.value)));
    if (!glue) break;
    host += c.sql.slice(t.start, t.end);
    end = t.end;
    c.next();
  }
  return { user, host: host.toLowerCase() };
}

/** An optional IDENTIFIED clause. */
export function parseAuthOption(c: TokenCursor): AuthOption | null {
  if (!c.acceptWord("IDENTIFIED")) return null;
  const out: AuthOption = { plugin: null, password: null, hash: null };
  if (c.acceptWord("WITH")) {
    out.plugin = pluginName(c);
    if (c.acceptWord("BY")) out.password = stringLiteral(c);
    else if (c.acceptWord("AS")) out.hash = stringLiteral(c);
    return out;
  }
  c.expectWord("BY");
  if (c.acceptWord("RANDOM")) {
    throw new MysqlError(
      ER.ER_NOT_SUPPORTED_YET,
      "This version of MySQL doesn't yet support 'IDENTIFIED BY RANDOM PASSWORD'",
    );
  }
  if (c.acceptWord("PASSWORD")) out.hash = stringLiteral(c);
  else out.password = stringLiteral(c);
  // `IDENTIFIED BY 'pw' WITH plugin` names the plugin after the password.
  if (c.isWord("WITH") && isPluginToken(c, 1)) {
    c.next();
    out.plugin = pluginName(c);
  }
  return out;
}

function isPluginToken(c: TokenCursor, k: number): boolean {
  const t = c.peek(k);
  return (t.kind === "word" || t.kind === "string" || t.kind === "quoted") &&
    PLUGIN_WORDS.has(t.value.toUpperCase());
}

function pluginName(c: TokenCursor): string {
  const name = c.name().toLowerCase();
  if (!PLUGIN_WORDS.has(name.toUpperCase())) {
    throw new MysqlError(ER.ER_PLUGIN_IS_NOT_LOADED, `Plugin '${name}' is not loaded`);
  }
  return name;
}

/** A quoted string literal (passwords and hashes). */
export function stringLiteral(c: TokenCursor): string {
  const t = c.peek();
  if (t.kind !== "string") throw c.error();
  c.next();
  return t.value;
}

const OPTION_STARTS = new Set([
  "REQUIRE",
  "WITH",
  "PASSWORD",
  "FAILED_LOGIN_ATTEMPTS",
  "PASSWORD_LOCK_TIME",
  "ACCOUNT",
  "COMMENT",
  "ATTRIBUTE",
  "DEFAULT",
]);

/**
 * The account options that may end CREATE USER / ALTER USER (REQUIRE, WITH resource limits,
 * PASSWORD EXPIRE/HISTORY/REUSE/REQUIRE, FAILED_LOGIN_ATTEMPTS, ACCOUNT LOCK|UNLOCK, COMMENT,
 * ATTRIBUTE, DEFAULT ROLE). Only ACCOUNT LOCK / UNLOCK has an effect; the rest are accepted
 * and ignored.
 */
export function parseAccountOptions(c: TokenCursor): AccountOptions {
  const out: AccountOptions = { lock: null };
  if (c.atEnd()) return out;
  if (!OPTION_STARTS.has(c.peek().upper)) throw c.error();
  while (!c.atEnd()) {
    if (c.acceptWord("ACCOUNT", "LOCK")) out.lock = true;
    else if (c.acceptWord("ACCOUNT", "UNLOCK")) out.lock = false;
    else c.next();
  }
  return out;
}

/** Privilege names by their words, longest first, so CREATE VIEW wins over CREATE. */
const PRIVILEGE_WORDS: ReadonlyArray<readonly [string[], string]> = ([
  ...STATIC_PRIVILEGES.map(([p]): [string[], string] => [p.split(" "), p]),
  [["REPLICATION", "REPLICA"], "REPLICATION SLAVE"],
  [["GRANT", "OPTION"], GRANT_OPTION],
  [["USAGE"], "USAGE"],
] as Array<[string[], string]>).sort((a, b) => b[0].length - a[0].length);

/**
 * `priv [, priv] ...` up to ON / FROM / TO: privilege names in MySQL's spelling; ALL
 * [PRIVILEGES] as "ALL"; USAGE as "USAGE". Column lists are not supported (1235).
 */
export function parsePrivilegeList(c: TokenCursor): string[] {
  const out: string[] = [];
  do {
    out.push(parseOnePrivilege(c));
    if (c.isOp("(")) {
      throw new MysqlError(
        ER.ER_NOT_SUPPORTED_YET,
        "This version of MySQL doesn't yet support 'column privileges'",
      );
    }
  } while (c.acceptOp(","));
  return out;
}

function parseOnePrivilege(c: TokenCursor): string {
  if (c.acceptWord("ALL")) {
    c.acceptWord("PRIVILEGES");
    return "ALL";
  }
  for (const [words, priv] of PRIVILEGE_WORDS) {
    if (c.acceptWord(...words)) return priv;
  }
  const t = c.peek();
  const upper = t.value.toUpperCase();
  if ((t.kind === "word" || t.kind === "quoted") && DYNAMIC_PRIVILEGES.includes(upper)) {
    c.next();
    return upper;
  }
  throw c.error();
}

/** `*.*`, `*` (current database), `db.*`, `db.t`, `t` (in the current database). */
export function parsePrivilegeLevel(c: TokenCursor, currentDb: string | null): PrivilegeLevel {
  c.acceptWord("TABLE");
  if (c.acceptOp("*")) {
    if (c.acceptOp(".")) {
      c.expectOp("*");
      return { kind: "global" };
    }
    return { kind: "db", db: requireDb(currentDb) };
  }
  const first = c.ident();
  if (!c.acceptOp(".")) return { kind: "table", db: requireDb(currentDb), table: first };
  if (c.acceptOp("*")) return { kind: "db", db: first };
  return { kind: "table", db: first, table: c.ident() };
}

function requireDb(db: string | null): string {
  if (db === null) throw new MysqlError(ER.ER_NO_DB_ERROR, "No database selected");
  return db;
}
