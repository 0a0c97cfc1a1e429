/**
 * Handlers of the text-protocol commands: COM_QUERY, COM_INIT_DB, COM_FIELD_LIST. Each is named
 * after the protocol message it answers.
 */

import { decodeQuery } from "../../protocol/commands.ts";
import { CLIENT_DEPRECATE_EOF, SERVER_MORE_RESULTS_EXISTS } from "../../protocol/constants.ts";
import { decodeUtf8, PacketReader } from "../../protocol/packet_reader.ts";
import {
  writeColumnDefinition41,
  writeResultSetEnd,
  writeTextResultSet,
} from "../../protocol/resultset.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { StatementResult } from "../sql/types.ts";
import { mayChangeVariables } from "./prepared_statement_registry.ts";
import type { ProtocolSession } from "./protocol_session.ts";
import { countExtraStatement } from "./command_counters.ts";

/** The engine session of a logged-in client. */
function sqlOf(session: ProtocolSession) {
  const sql = session.sql;
  if (!sql) throw new MysqlError(ER.ER_UNKNOWN_COM_ERROR, "Unknown command");
  return sql;
}

/** True when the client wants OK (0xFE) instead of EOF packets. */
export function deprecateEof(session: ProtocolSession): boolean {
  return (session.capabilities & CLIENT_DEPRECATE_EOF) !== 0;
}

/** Append one statement's result: a text result set or an OK packet. */
export function writeStatementResult(
  session: ProtocolSession,
  result: StatementResult,
  extraFlags: number,
): void {
  if (result.kind === "ok") {
    session.writeOk(result, extraFlags);
    return;
  }
  writeTextResultSet(session.out, result, {
    statusFlags: session.statusFlags() | extraFlags,
    deprecateEof: deprecateEof(session),
  });
}

/**
 * COM_QUERY: run the statements of the text one after another. With CLIENT_MULTI_STATEMENTS
 * each result but the last carries SERVER_MORE_RESULTS_EXISTS; the first error ends the batch
 * (sql/sql_parse.cc `dispatch_command`, COM_QUERY).
 */
export async function comQuery(session: ProtocolSession, payload: Uint8Array): Promise<void> {
  const sql = sqlOf(session);
  const text = decodeQuery(payload);
  if (mayChangeVariables(text)) session.variablesMayHaveChanged = true;
  const statements = session.multiStatements ? sql.splitStatements(text) : [text];
  if (statements.length === 0) throw new MysqlError(ER.ER_EMPTY_QUERY, "Query was empty");
  const last = statements.length - 1;
  for (let i = 0; i <= last; i++) {
    session.checkKilled();
    if (i > 0) countExtraStatement(session.status);
    const result = await sql.execute(statements[i]!);
    writeStatementResult(session, result, i < last ? SERVER_MORE_RESULTS_EXISTS : 0);
  }
}

/** COM_INIT_DB: change the default database, like USE. */
export function comInitDb(session: ProtocolSession, payload: Uint8Array): void {
  const db = decodeUtf8(payload.subarray(1));
  sqlOf(session).useDatabase(db);
  session.writeOk();
}

/**
 * COM_FIELD_LIST (deprecated, still sent by the mariadb CLI for completion): one column
 * definition per column with its default, then EOF.
 */
export function comFieldList(session: ProtocolSession, payload: Uint8Array): void {
  const reader = new PacketReader(payload, 1);
  const table = reader.nulStringOrRest();
  const wildcard = reader.atEnd ? "" : reader.restString();
  const columns = sqlOf(session).fieldList(table, wildcard);
  for (const column of columns) writeColumnDefinition41(session.out, column, null);
  writeResultSetEnd(session.out, {
    statusFlags: session.statusFlags(),
    deprecateEof: deprecateEof(session),
  });
}
