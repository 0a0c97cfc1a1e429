/**
 * Account-management statements: CREATE USER, DROP USER, ALTER USER, RENAME USER, SET PASSWORD,
 * GRANT, REVOKE, SHOW GRANTS, SHOW CREATE USER and FLUSH PRIVILEGES, over the grant tables in
 * the store (server/auth). MySQL commits implicitly before these statements; the dispatcher
 * should do the same before handing one over. Each statement is atomic.
 */

import type { DatabaseSync } from "node:sqlite";
import type { AccountName, AuthOption } from "../auth/account_parser.ts";
import {
  parseAccountName,
  parseAccountOptions,
  parseAuthOption,
  stringLiteral,
} from "../auth/account_parser.ts";
import { AccountStore, AUTH_PLUGINS, inWriteTransaction } from "../auth/account_store.ts";
import {
  executeGrant,
  executeRevoke,
  needPrivilege,
  parseAccountList,
} from "../auth/grant_revoke.ts";
import { USER_TABLE } from "../auth/grant_tables.ts";
import type { Privileges } from "../auth/privileges.ts";
import { accountQuoted, showCreateUserText, showGrantsLines } from "../auth/show_grants.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import { Collation, ColumnFlag, ColumnType } from "./column_type.ts";
import type { Token } from "./lexer.ts";
import { TokenCursor } from "./token_cursor.ts";
import type {
  ColumnMeta,
  OkResult,
  RowsResult,
  SessionIdentity,
  StatementResult,
} from "./types.ts";

/** MySQL's notes for IF [NOT] EXISTS on accounts. */
export const ER_USER_DOES_NOT_EXIST = 3162;
export const ER_USER_ALREADY_EXISTS = 3163;

/** What an account statement needs from the session. */
export interface AccountContext {
  /** The session's store connection. */
  db: DatabaseSync;
  identity: SessionIdentity;
  /** The session's current privileges (checked before anything changes). */
  privileges: Privileges;
  /** Tell every session that accounts or privileges changed (they reload their Privileges). */
  bumpEpoch(): void;
  /** The current database (USE); defaults to `identity.db`. */
  currentDb?: string | null;
  /** Record a note or warning for SHOW WARNINGS. */
  warn?(code: number, message: string, level: "Note" | "Warning"): void;
}

const STATEMENT_STARTS: ReadonlyArray<readonly string[]> = [
  ["CREATE", "USER"],
  ["DROP", "USER"],
  ["ALTER", "USER"],
  ["RENAME", "USER"],
  ["SET", "PASSWORD"],
  ["GRANT"],
  ["REVOKE"],
  ["SHOW", "GRANTS"],
  ["SHOW", "CREATE", "USER"],
  ["FLUSH", "PRIVILEGES"],
];

/** Whether the statement is one `executeAccountStatement` runs (judged by its first words). */
export function isAccountStatement(tokens: readonly Token[]): boolean {
  return STATEMENT_STARTS.some((words) =>
    words.every((w, i) => tokens[i]?.kind === "word" && tokens[i]?.upper === w)
  );
}

/** Run one account statement (tokens from `tokenize(sql)`). */
export function executeAccountStatement(
  tokens: Token[],
  sql: string,
  ctx: AccountContext,
): StatementResult {
  const c = new TokenCursor(sql, tokens);
  const me = { user: ctx.identity.user, host: ctx.identity.accountHost };
  if (c.acceptWord("SHOW", "GRANTS")) return showGrants(c, ctx, me);
  if (c.acceptWord("SHOW", "CREATE", "USER")) return showCreateUser(c, ctx, me);
  if (c.acceptWord("FLUSH", "PRIVILEGES")) {
    c.expectEnd();
    if (!ctx.privileges.global("RELOAD")) throw needPrivilege("RELOAD");
    ctx.bumpEpoch();
    return ok(0);
  }
  let result: OkResult;
  if (c.acceptWord("GRANT")) {
    executeGrant(c, grantContext(ctx, me));
    result = ok(0);
  } else if (c.acceptWord("REVOKE")) {
    executeRevoke(c, grantContext(ctx, me));
    result = ok(0);
  } else if (c.acceptWord("CREATE", "USER")) result = createUser(c, ctx, me);
  else if (c.acceptWord("DROP", "USER")) result = dropUser(c, ctx, me);
  else if (c.acceptWord("ALTER", "USER")) result = alterUser(c, ctx, me);
  else if (c.acceptWord("RENAME", "USER")) result = renameUser(c, ctx, me);
  else if (c.acceptWord("SET", "PASSWORD")) result = setPassword(c, ctx, me);
  else throw c.error();
  ctx.bumpEpoch();
  return result;
}

function grantContext(ctx: AccountContext, me: AccountName) {
  return {
    db: ctx.db,
    privileges: ctx.privileges,
    grantor: me,
    currentDb: ctx.currentDb === undefined ? ctx.identity.db : ctx.currentDb,
  };
}

function ok(warnings: number): OkResult {
  return { kind: "ok", affectedRows: 0, insertId: 0, warnings, info: "" };
}

function operationFailed(op: string, accounts: readonly AccountName[]): MysqlError {
  const list = accounts.map((a) => accountQuoted(a.user, a.host)).join(",");
  return new MysqlError(ER.ER_CANNOT_USER, `Operation ${op} failed for ${list}`);
}

function ifExists(c: TokenCursor, not: boolean): boolean {
  return not ? c.acceptWord("IF", "NOT", "EXISTS") : c.acceptWord("IF", "EXISTS");
}

/**
 * Apply an IDENTIFIED clause to an existing account: BY 'pw' (any plugin), or AS '*HEX' for
 * mysql_native_password (the form dump tools write).
 */
function applyAuth(
  store: AccountStore,
  account: AccountName,
  auth: AuthOption,
): void {
  if (auth.hash !== null) {
    const native = (auth.plugin ?? AUTH_PLUGINS[0]) === "mysql_native_password";
    if (!native || !store.setNativeHash({ ...account, hash: auth.hash })) {
      throw new MysqlError(
        ER.ER_NOT_SUPPORTED_YET,
        "This version of MySQL doesn't yet support 'IDENTIFIED AS a hash other than " +
          "mysql_native_password'",
      );
    }
    return;
  }
  store.setPassword({
    ...account,
    password: auth.password ?? "",
    ...(auth.plugin === null ? {} : { plugin: auth.plugin }),
  });
}

function createUser(c: TokenCursor, ctx: AccountContext, me: AccountName): OkResult {
  if (!ctx.privileges.global("CREATE USER")) throw needPrivilege("CREATE USER");
  const quiet = ifExists(c, true);
  const specs: Array<AccountName & { auth: AuthOption | null }> = [];
  do {
    const a = parseAccountName(c, me);
    specs.push({ ...a, auth: parseAuthOption(c) });
  } while (c.acceptOp(","));
  const options = parseAccountOptions(c);
  const store = new AccountStore(ctx.db);
  const existing = specs.filter((s) => store.exists(s.user, s.host));
  if (existing.length > 0 && !quiet) throw operationFailed("CREATE USER", existing);
  inWriteTransaction(ctx.db, () => {
    for (const s of specs) {
      if (existing.includes(s)) continue;
      const account = { user: s.user, host: s.host };
      store.createAccount({ ...account, plugin: s.auth?.plugin ?? AUTH_PLUGINS[0], password: "" });
      if (s.auth !== null) applyAuth(store, account, s.auth);
      if (options.lock !== null) setLocked(ctx.db, s, options.lock);
    }
  });
  for (const s of existing) {
    ctx.warn?.(
      ER_USER_ALREADY_EXISTS,
      `Authorization ID ${accountQuoted(s.user, s.host)} already exists.`,
      "Note",
    );
  }
  return ok(existing.length);
}

function dropUser(c: TokenCursor, ctx: AccountContext, me: AccountName): OkResult {
  if (!ctx.privileges.global("CREATE USER")) throw needPrivilege("CREATE USER");
  const quiet = ifExists(c, false);
  const accounts = parseAccountList(c, me);
  c.expectEnd();
  const store = new AccountStore(ctx.db);
  const missing = accounts.filter((a) => !store.exists(a.user, a.host));
  if (missing.length > 0 && !quiet) throw operationFailed("DROP USER", missing);
  inWriteTransaction(ctx.db, () => {
    for (const a of accounts) store.dropAccount(a.user, a.host);
  });
  for (const a of missing) {
    ctx.warn?.(
      ER_USER_DOES_NOT_EXIST,
      `Authorization ID ${accountQuoted(a.user, a.host)} does not exist.`,
      "Note",
    );
  }
  return ok(missing.length);
}

function alterUser(c: TokenCursor, ctx: AccountContext, me: AccountName): OkResult {
  const quiet = ifExists(c, false);
  const specs: Array<AccountName & { auth: AuthOption | null }> = [];
  do {
    const a = parseAccountName(c, me);
    specs.push({ ...a, auth: parseAuthOption(c) });
  } while (c.acceptOp(","));
  const options = parseAccountOptions(c);
  // Changing only one's own password needs no privilege (ALTER USER USER() IDENTIFIED BY).
  const onlySelf = specs.every((s) => s.user === me.user && s.host === me.host) &&
    options.lock === null;
  if (!onlySelf && !ctx.privileges.global("CREATE USER")) throw needPrivilege("CREATE USER");
  const store = new AccountStore(ctx.db);
  const missing = specs.filter((s) => !store.exists(s.user, s.host));
  if (missing.length > 0 && !quiet) throw operationFailed("ALTER USER", missing);
  inWriteTransaction(ctx.db, () => {
    for (const s of specs) {
      if (missing.includes(s)) continue;
      if (s.auth !== null) applyAuth(store, { user: s.user, host: s.host }, s.auth);
      if (options.lock !== null) setLocked(ctx.db, s, options.lock);
    }
  });
  for (const a of missing) {
    ctx.warn?.(
      ER_USER_DOES_NOT_EXIST,
      `Authorization ID ${accountQuoted(a.user, a.host)} does not exist.`,
      "Note",
    );
  }
  return ok(missing.length);
}

function renameUser(c: TokenCursor, ctx: AccountContext, me: AccountName): OkResult {
  if (!ctx.privileges.global("CREATE USER")) throw needPrivilege("CREATE USER");
  const pairs: Array<[AccountName, AccountName]> = [];
  do {
    const from = parseAccountName(c, me);
    c.expectWord("TO");
    pairs.push([from, parseAccountName(c, me)]);
  } while (c.acceptOp(","));
  c.expectEnd();
  const store = new AccountStore(ctx.db);
  inWriteTransaction(ctx.db, () => {
    const failed = pairs.filter(([from, to]) =>
      !store.exists(from.user, from.host) || store.exists(to.user, to.host)
    ).map(([from]) => from);
    if (failed.length > 0) throw operationFailed("RENAME USER", failed);
    for (const [from, to] of pairs) store.renameAccount(from, to);
  });
  return ok(0);
}

/** SET PASSWORD [FOR account] = 'pw' (also = PASSWORD('pw'), as MariaDB and MySQL 5.7 take). */
function setPassword(c: TokenCursor, ctx: AccountContext, me: AccountName): OkResult {
  const target = c.acceptWord("FOR") ? parseAccountName(c, me) : me;
  c.expectOp("=");
  let password: string;
  if (c.acceptWord("PASSWORD")) {
    c.expectOp("(");
    password = stringLiteral(c);
    c.expectOp(")");
  } else {
    password = stringLiteral(c);
  }
  c.expectEnd();
  const self = target.user === me.user && target.host === me.host;
  if (!self && !ctx.privileges.global("CREATE USER")) {
    throw new MysqlError(
      ER.ER_DBACCESS_DENIED_ERROR,
      `Access denied for user ${accountQuoted(me.user, me.host)} to database 'mysql'`,
    );
  }
  const store = new AccountStore(ctx.db);
  if (!store.exists(target.user, target.host)) {
    throw new MysqlError(ER.ER_PASSWORD_NO_MATCH, "Can't find any matching row in the user table");
  }
  inWriteTransaction(ctx.db, () => store.setPassword({ ...target, password }));
  return ok(0);
}

function setLocked(db: DatabaseSync, a: AccountName, locked: boolean): void {
  db.prepare(`UPDATE ${USER_TABLE} SET account_locked = ? WHERE User = ? AND Host = ?`)
    .run(locked ? "Y" : "N", a.user, a.host);
}

/** A one-column text result, as SHOW GRANTS returns (VAR_STRING, utf8mb4). */
function textColumn(name: string): ColumnMeta {
  return {
    name,
    orgName: "",
    table: "",
    orgTable: "",
    db: "",
    type: ColumnType.VAR_STRING,
    flags: ColumnFlag.NOT_NULL,
    length: 4096,
    decimals: 0,
    charset: Collation.UTF8MB4_GENERAL_CI,
  };
}

/** Viewing another account's grants needs SELECT on the mysql schema. */
function checkCanView(ctx: AccountContext, me: AccountName, target: AccountName): void {
  const self = target.user === me.user && target.host === me.host;
  if (!self && !ctx.privileges.database("mysql", "SELECT")) {
    throw new MysqlError(
      ER.ER_DBACCESS_DENIED_ERROR,
      `Access denied for user ${accountQuoted(me.user, me.host)} to database 'mysql'`,
    );
  }
}

function showGrants(c: TokenCursor, ctx: AccountContext, me: AccountName): RowsResult {
  const target = c.acceptWord("FOR") ? parseAccountName(c, me) : me;
  c.expectEnd();
  checkCanView(ctx, me, target);
  if (!new AccountStore(ctx.db).exists(target.user, target.host)) {
    throw new MysqlError(
      ER.ER_NONEXISTING_GRANT,
      `There is no such grant defined for user '${target.user}' on host '${target.host}'`,
    );
  }
  return {
    kind: "rows",
    columns: [textColumn(`Grants for ${target.user}@${target.host}`)],
    rows: showGrantsLines(ctx.db, target.user, target.host).map((line) => [line]),
  };
}

function showCreateUser(c: TokenCursor, ctx: AccountContext, me: AccountName): RowsResult {
  const target = parseAccountName(c, me);
  c.expectEnd();
  checkCanView(ctx, me, target);
  const text = showCreateUserText(ctx.db, target.user, target.host);
  if (text === null) throw operationFailed("SHOW CREATE USER", [target]);
  return {
    kind: "rows",
    columns: [textColumn(`CREATE USER for ${target.user}@${target.host}`)],
    rows: [[text]],
  };
}
