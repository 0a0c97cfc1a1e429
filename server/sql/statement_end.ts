/**
 * How a statement of a session ends, on the text, prepared and point-read paths alike: its
 * statement-duration metadata locks go (or stay with the open transaction), a KILL QUERY aimed
 * at it is spent and its PROCESSLIST state returns to none. A failure becomes a MysqlError kept
 * as the only diagnostic (SHOW ERRORS); one that ends the session (KILL CONNECTION, shutdown,
 * a client that is gone) also rolls the transaction back and drops every lock.
 */

import { MysqlError } from "../errors/mysql_error.ts";
import { endsSession, SessionState } from "../session/session_signals.ts";
import type { Session } from "./session.ts";

/** Statement-duration locks go (or stay with the open transaction); KILL QUERY is spent. */
export function endStatement(s: Session): void {
  s.locks?.endStatement(s.txn.open);
  const signals = s.signals;
  if (signals) {
    signals.clearKillQuery();
    signals.setState(SessionState.NONE);
  }
}

/** A failed statement's error as a MysqlError, recorded for SHOW ERRORS; an error that ends
 * the session (killed, client gone) also drops its transaction and locks. */
export function statementFailed(s: Session, e: unknown): MysqlError {
  const err = e instanceof MysqlError ? e : toMysqlError(e);
  // The client is gone or the connection was killed: nothing of the transaction stays.
  if (endsSession(err)) abandon(s);
  s.warnings = [{ level: "Error", code: err.code, message: err.message }];
  return err;
}

/** Roll back and drop every lock (the session is ending). */
function abandon(s: Session): void {
  try {
    s.txn.rollback();
  } catch {
    // The connection is closing anyway; SQLite rolls back when it is closed.
  }
  s.locks?.releaseAll();
}

function toMysqlError(e: unknown): MysqlError {
  const message = e instanceof Error ? e.message : String(e);
  return new MysqlError(1105, `Unknown error: ${message}`);
}
