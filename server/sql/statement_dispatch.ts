/**
 * The one table from a statement's first keyword to the handler of that statement family
 * (everything but DML, which the session compiles into cached plans).
 */

import { pluginStatement } from "./plugin_statements.ts";
import type { Token } from "./lexer.ts";
import { TokenCursor } from "./token_cursor.ts";
import type { StatementResult } from "./types.ts";
import type { Outcome, Session } from "./session.ts";
import {
  createStatement,
  dropStatement,
  renameStatement,
  truncateStatement,
  useStatement,
} from "./ddl_statements.ts";
import { alterStatement } from "./alter_table.ts";
import { transactionStatement } from "./transaction_statements.ts";
import { setStatement } from "./set_statement.ts";
import { showStatement } from "./show_statements.ts";
import { executeAccountStatement, isAccountStatement } from "./account_statements.ts";
import { adminStatement } from "./admin_statements.ts";
import { privilegesOf } from "./privilege_checks.ts";

type Handler = (s: Session, c: TokenCursor) => Outcome;

const HANDLERS: Record<string, Handler> = {
  CREATE: createStatement,
  DROP: dropStatement,
  ALTER: alterStatement,
  RENAME: renameStatement,
  TRUNCATE: truncateStatement,
  USE: useStatement,
  BEGIN: transactionStatement,
  START: transactionStatement,
  COMMIT: transactionStatement,
  ROLLBACK: transactionStatement,
  SAVEPOINT: transactionStatement,
  RELEASE: transactionStatement,
  XA: transactionStatement,
  LOCK: transactionStatement,
  UNLOCK: transactionStatement,
  SET: setStatement,
  SHOW: showStatement,
  DESCRIBE: showStatement,
  DESC: showStatement,
  EXPLAIN: showStatement,
  FLUSH: adminStatement,
  KILL: adminStatement,
  DO: adminStatement,
  ANALYZE: adminStatement,
  OPTIMIZE: adminStatement,
  CHECK: adminStatement,
  REPAIR: adminStatement,
  CHECKSUM: adminStatement,
  SHUTDOWN: adminStatement,
  RESET: adminStatement,
  PURGE: adminStatement,
  HELP: adminStatement,
  INSTALL: pluginStatement,
  UNINSTALL: pluginStatement,
};

/** Run a non-DML statement. */
export function dispatchStatement(s: Session, sql: string, tokens: Token[]): Outcome {
  const first = tokens[0]!;
  if (isAccountStatement(tokens)) {
    s.implicitCommit();
    return executeAccountStatement(tokens, sql, {
      db: s.db,
      identity: s.identity,
      privileges: privilegesOf(s),
      bumpEpoch: () => s.engine.catalog.bump(),
      currentDb: s.currentDb,
      warn: (code, message, level) => s.warn(code, message, level),
    });
  }
  const handler = first.kind === "word" ? HANDLERS[first.upper] : undefined;
  const c = new TokenCursor(sql, tokens);
  if (!handler) throw c.error();
  return handler(s, c);
}

/** An OK result. */
export function ok(s: Session, affectedRows = 0, info = ""): StatementResult {
  return { kind: "ok", affectedRows, insertId: 0, warnings: s.warningCount(), info };
}
