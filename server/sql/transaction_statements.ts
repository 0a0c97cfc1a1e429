/**
 * BEGIN / START TRANSACTION / COMMIT / ROLLBACK / SAVEPOINT / RELEASE SAVEPOINT / ROLLBACK TO,
 * and LOCK TABLES / UNLOCK TABLES over the session's metadata locks (server/locks/): READ takes
 * SNR (writers wait), WRITE takes X (everyone waits), both until UNLOCK TABLES, START
 * TRANSACTION, or the session's end (MySQL 8.0 reference 15.3.6).
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import type { StatementResult } from "./types.ts";
import type { Session } from "./session.ts";
import { ok } from "./statement_dispatch.ts";
import { checkDatabasePrivilege, checkTablePrivilege } from "./privilege_checks.ts";
import { lockWaitTimeoutMdl } from "./statement_locks.ts";

function chain(c: TokenCursor): void {
  // [AND [NO] CHAIN] [[NO] RELEASE]
  if (c.acceptWord("AND")) {
    c.acceptWord("NO");
    c.expectWord("CHAIN");
  }
  if (c.acceptWord("NO")) c.expectWord("RELEASE");
  else c.acceptWord("RELEASE");
}

function start(s: Session, c: TokenCursor): StatementResult {
  let readOnly = false;
  if (c.acceptWord("START")) {
    c.expectWord("TRANSACTION");
    while (!c.atEnd()) {
      if (c.acceptWord("READ", "ONLY")) readOnly = true;
      else if (c.acceptWord("READ", "WRITE")) readOnly = false;
      else if (c.acceptWord("WITH", "CONSISTENT", "SNAPSHOT")) continue;
      else if (!c.acceptOp(",")) throw c.error();
    }
  } else {
    c.expectWord("BEGIN");
    c.acceptWord("WORK");
  }
  c.expectEnd();
  // MySQL: beginning a transaction releases the tables locked with LOCK TABLES.
  s.locks?.unlockTables();
  s.txn.begin(readOnly);
  return ok(s);
}

function rollback(s: Session, c: TokenCursor): StatementResult {
  c.expectWord("ROLLBACK");
  c.acceptWord("WORK");
  if (c.acceptWord("TO")) {
    c.acceptWord("SAVEPOINT");
    const name = c.ident();
    c.expectEnd();
    s.txn.rollbackTo(name);
    return ok(s);
  }
  chain(c);
  c.expectEnd();
  s.txn.rollback();
  return ok(s);
}

function lockTables(s: Session, c: TokenCursor): StatementResult {
  c.expectWord("LOCK");
  if (!c.acceptWord("TABLES")) c.expectWord("TABLE");
  s.implicitCommit();
  const locks: { db: string; name: string; write: boolean }[] = [];
  do {
    const q = c.qualified();
    const db = q.db ?? s.currentDb;
    if (db === null) throw new MysqlError(ER.ER_NO_DB_ERROR, "No database selected");
    if (!s.temps.has(`${db}\0${q.name}`)) checkDatabasePrivilege(s, "LOCK TABLES", db);
    checkTablePrivilege(s, "SELECT", db, q.name);
    if (!s.findTable(db, q.name)) {
      throw new MysqlError(ER.ER_NO_SUCH_TABLE, `Table '${db}.${q.name}' doesn't exist`);
    }
    if (c.acceptWord("AS")) c.ident();
    else if (
      c.peek().kind === "word" && !["READ", "WRITE", "LOW_PRIORITY"].includes(c.peek().upper)
    ) c.ident();
    let write = false;
    if (c.acceptWord("READ")) c.acceptWord("LOCAL");
    else {
      c.acceptWord("LOW_PRIORITY");
      c.expectWord("WRITE");
      write = true;
    }
    locks.push({ db, name: q.name, write });
  } while (c.acceptOp(","));
  c.expectEnd();
  s.locks?.lockTables(locks, lockWaitTimeoutMdl(s));
  return ok(s);
}

/** Transaction control and table locks. */
export function transactionStatement(s: Session, c: TokenCursor): StatementResult {
  const w = c.peek().upper;
  switch (w) {
    case "BEGIN":
    case "START":
      return start(s, c);
    case "COMMIT":
      c.next();
      c.acceptWord("WORK");
      chain(c);
      c.expectEnd();
      s.txn.commit();
      return ok(s);
    case "ROLLBACK":
      return rollback(s, c);
    case "SAVEPOINT":
      c.next();
      s.txn.savepoint(c.ident());
      c.expectEnd();
      return ok(s);
    case "RELEASE":
      c.next();
      c.expectWord("SAVEPOINT");
      s.txn.release(c.ident());
      c.expectEnd();
      return ok(s);
    case "LOCK":
      return lockTables(s, c);
    case "UNLOCK":
      c.next();
      if (!c.acceptWord("TABLES")) c.expectWord("TABLE");
      c.expectEnd();
      // MySQL commits a transaction begun under LOCK TABLES when the tables are unlocked.
      if (s.locks?.lockedTables) s.implicitCommit();
      s.locks?.unlockTables();
      return ok(s);
  }
  throw new MysqlError(
    ER.ER_NOT_SUPPORTED_YET,
    "This version of MySQL doesn't yet support 'XA transactions'",
  );
}
