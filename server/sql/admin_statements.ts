/**
 * Administrative statements: FLUSH (accepted; FLUSH TABLES WITH READ LOCK is recorded for the
 * session), KILL [CONNECTION | QUERY] id, DO expr, ANALYZE / OPTIMIZE / CHECK / REPAIR TABLE
 * (MySQL's one-row status result), SHUTDOWN, RESET, PURGE.
 */

import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { TokenCursor } from "./token_cursor.ts";
import type { StatementResult } from "./types.ts";
import type { Outcome, Session } from "./session.ts";
import { ok } from "./statement_dispatch.ts";
import { evalExpression } from "./expression_eval.ts";
import { metas } from "./show_result.ts";
import { requireTable, schemaOf } from "./ddl_statements.ts";
import { checkGlobalPrivilege, checkTablePrivilege, privilegesOf } from "./privilege_checks.ts";

async function kill(s: Session, c: TokenCursor): Promise<StatementResult> {
  let queryOnly = false;
  if (c.acceptWord("QUERY")) queryOnly = true;
  else c.acceptWord("CONNECTION");
  const r = evalExpression(s, c.sql, c.tokens, c.pos);
  c.pos = r.next;
  c.expectEnd();
  const p = privilegesOf(s);
  const canKillAny = p.global("SUPER") || p.global("CONNECTION_ADMIN");
  await s.link.kill(Number(r.value), { queryOnly, byUser: s.identity.user, canKillAny });
  return ok(s);
}

function tableMaintenance(s: Session, c: TokenCursor, op: string): StatementResult {
  c.acceptWord("NO_WRITE_TO_BINLOG") || c.acceptWord("LOCAL");
  if (!c.acceptWord("TABLE")) c.expectWord("TABLES");
  const data: (string | null)[][] = [];
  do {
    const q = c.qualified();
    // MySQL: SELECT and INSERT for ANALYZE / OPTIMIZE / REPAIR, SELECT for CHECK.
    for (const priv of op === "check" ? ["SELECT"] : ["SELECT", "INSERT"]) {
      checkTablePrivilege(s, priv, schemaOf(s, q.db), q.name);
    }
    const def = requireTable(s, q.db, q.name);
    data.push([`${def.db}.${def.name}`, op.toLowerCase(), "status", "OK"]);
  } while (c.acceptOp(","));
  while (!c.atEnd()) c.next();
  return { kind: "rows", columns: metas(["Table", "Op", "Msg_type", "Msg_text"]), rows: data };
}

/** FLUSH, KILL, DO, ANALYZE, ... */
export function adminStatement(s: Session, c: TokenCursor): Outcome {
  const w = c.next().upper;
  switch (w) {
    case "FLUSH":
      // FLUSH TABLES [WITH READ LOCK], LOGS, STATUS, HOSTS ...: nothing to flush in the store.
      checkGlobalPrivilege(s, "RELOAD");
      while (!c.atEnd()) c.next();
      if (c.tokens.some((t) => t.upper === "READ")) s.implicitCommit();
      return ok(s);
    case "KILL":
      return kill(s, c);
    case "DO": {
      let r = evalExpression(s, c.sql, c.tokens, c.pos);
      while (c.tokens[r.next]?.value === ",") r = evalExpression(s, c.sql, c.tokens, r.next + 1);
      c.pos = r.next;
      c.expectEnd();
      return ok(s);
    }
    case "ANALYZE":
    case "OPTIMIZE":
    case "CHECK":
    case "REPAIR":
      return tableMaintenance(s, c, w === "ANALYZE" ? "analyze" : w.toLowerCase());
    case "CHECKSUM": {
      if (!c.acceptWord("TABLE")) c.expectWord("TABLES");
      const q = c.qualified();
      checkTablePrivilege(s, "SELECT", schemaOf(s, q.db), q.name);
      const def = requireTable(s, q.db, q.name);
      return {
        kind: "rows",
        columns: metas(["Table", ["Checksum", "int"]]),
        rows: [[`${def.db}.${def.name}`, 0]],
      };
    }
    case "SHUTDOWN":
      c.expectEnd();
      checkGlobalPrivilege(s, "SHUTDOWN");
      return s.link.requestShutdown(s.identity.user).then(() => ok(s));
    case "RESET":
    case "PURGE":
      while (!c.atEnd()) c.next();
      return ok(s);
  }
  throw new MysqlError(ER.ER_NOT_SUPPORTED_YET, `This version of MySQL doesn't yet support '${w}'`);
}
