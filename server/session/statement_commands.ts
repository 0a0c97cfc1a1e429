/**
 * Handlers of the prepared-statement commands (binary protocol): COM_STMT_PREPARE,
 * COM_STMT_EXECUTE, COM_STMT_SEND_LONG_DATA, COM_STMT_CLOSE, COM_STMT_RESET.
 */

import { decodeStmtPrepare } from "../../protocol/commands.ts";
import {
  decodeStmtExecute,
  peekStatementId,
  writeBinaryResultSet,
  writeStmtPrepareOk,
} from "../../protocol/binary_protocol.ts";
import {
  MYSQL_TYPE_BIT,
  MYSQL_TYPE_BLOB,
  MYSQL_TYPE_GEOMETRY,
  MYSQL_TYPE_LONG_BLOB,
  MYSQL_TYPE_MEDIUM_BLOB,
  MYSQL_TYPE_TINY_BLOB,
} from "../../protocol/constants.ts";
import { decodeUtf8, PacketReader } from "../../protocol/packet_reader.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { SqlValue } from "../sql/types.ts";
import type { PreparedEntry } from "./prepared_statement_registry.ts";
import type { ProtocolSession } from "./protocol_session.ts";
import { deprecateEof } from "./query_commands.ts";

/** Parameter types whose long data stays bytes; the others are text. */
const BINARY_PARAM_TYPES = new Set([
  MYSQL_TYPE_TINY_BLOB,
  MYSQL_TYPE_MEDIUM_BLOB,
  MYSQL_TYPE_LONG_BLOB,
  MYSQL_TYPE_BLOB,
  MYSQL_TYPE_BIT,
  MYSQL_TYPE_GEOMETRY,
]);

function entryOf(session: ProtocolSession, payload: Uint8Array, command: string): PreparedEntry {
  const id = peekStatementId(payload);
  const entry = session.statements.get(id);
  if (!entry) {
    throw new MysqlError(
      ER.ER_UNKNOWN_STMT_HANDLER,
      `Unknown prepared statement handler (${id}) given to ${command}`,
    );
  }
  return entry;
}

/** COM_STMT_PREPARE: COM_STMT_PREPARE_OK, then parameter and column definitions. */
export function comStmtPrepare(session: ProtocolSession, payload: Uint8Array): void {
  const sql = session.sql;
  if (!sql) throw new MysqlError(ER.ER_UNKNOWN_COM_ERROR, "Unknown command");
  const text = decodeStmtPrepare(payload);
  const statement = sql.prepare(text);
  const entry = session.statements.add(statement, text);
  writeStmtPrepareOk(session.out, {
    statementId: entry.id,
    paramCount: statement.info.paramCount,
    columns: statement.info.columns,
    statusFlags: session.statusFlags(),
    deprecateEof: deprecateEof(session),
  });
}

/** COM_STMT_EXECUTE: bind the parameters (long data included), run, send a binary result. */
export async function comStmtExecute(session: ProtocolSession, payload: Uint8Array): Promise<void> {
  const entry = entryOf(session, payload, "mysqld_stmt_execute");
  if (entry.mayChangeVariables) session.variablesMayHaveChanged = true;
  const paramCount = entry.statement.info.paramCount;
  const longData = entry.longData;
  const decoded = decodeStmtExecute(payload, paramCount, {
    previousTypes: entry.paramTypes,
    longDataParams: longData.size > 0 ? new Set(longData.keys()) : null,
  });
  entry.paramTypes = decoded.types;
  const params = decoded.values as SqlValue[];
  if (longData.size > 0) {
    for (const [index, chunks] of longData) {
      params[index] = joinLongData(chunks, decoded.types[index]);
    }
    longData.clear();
  }
  const result = await entry.statement.execute(params);
  if (result.kind === "ok") {
    session.writeOk(result);
    return;
  }
  writeBinaryResultSet(session.out, result, {
    statusFlags: session.statusFlags(),
    deprecateEof: deprecateEof(session),
  });
}

function joinLongData(chunks: Uint8Array[], type: number | undefined): SqlValue {
  let size = 0;
  for (const c of chunks) size += c.length;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return BINARY_PARAM_TYPES.has((type ?? MYSQL_TYPE_BLOB) & 0xff) ? bytes : decodeUtf8(bytes);
}

/** COM_STMT_SEND_LONG_DATA: keep a chunk of a parameter's value; no reply. */
export function comStmtSendLongData(session: ProtocolSession, payload: Uint8Array): void {
  const reader = new PacketReader(payload, 1);
  const entry = session.statements.get(reader.int4());
  const param = reader.int2();
  // MySQL reports a bad statement id or parameter at the next COM_STMT_EXECUTE; an unknown
  // statement will fail there anyway.
  if (!entry || param >= entry.statement.info.paramCount) return;
  const chunk = reader.restBytes().slice();
  const chunks = entry.longData.get(param);
  if (chunks) chunks.push(chunk);
  else entry.longData.set(param, [chunk]);
}

/** COM_STMT_CLOSE: free the statement; no reply. */
export function comStmtClose(session: ProtocolSession, payload: Uint8Array): void {
  session.statements.close(peekStatementId(payload));
}

/** COM_STMT_RESET: drop the long data of a statement; OK. */
export function comStmtReset(session: ProtocolSession, payload: Uint8Array): void {
  entryOf(session, payload, "mysqld_stmt_reset").longData.clear();
  session.writeOk();
}
