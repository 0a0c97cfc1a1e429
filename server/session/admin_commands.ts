/**
 * Handlers of the administrative commands: COM_QUIT, COM_PING, COM_STATISTICS,
 * COM_PROCESS_KILL, COM_SET_OPTION, COM_RESET_CONNECTION, COM_SHUTDOWN, COM_DEBUG, and the
 * answer to a command byte the server does not know.
 */

import {
  MYSQL_OPTION_MULTI_STATEMENTS_OFF,
  MYSQL_OPTION_MULTI_STATEMENTS_ON,
} from "../../protocol/constants.ts";
import { PacketReader } from "../../protocol/packet_reader.ts";
import { writeResultSetEnd } from "../../protocol/resultset.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";
import type { ProtocolSession } from "./protocol_session.ts";
import { deprecateEof } from "./query_commands.ts";

/** COM_QUIT: no reply; the server closes the connection. */
export function comQuit(session: ProtocolSession): void {
  session.close();
}

/** COM_PING: OK. */
export function comPing(session: ProtocolSession): void {
  session.writeOk();
}

/** COM_DEBUG: MySQL dumps debug information to its log; here there is nothing to dump. */
export function comDebug(session: ProtocolSession): void {
  session.writeOk();
}

/** An unknown or unsupported command byte: ER_UNKNOWN_COM_ERROR, never silence. */
export function comUnknown(): never {
  throw new MysqlError(ER.ER_UNKNOWN_COM_ERROR, "Unknown command");
}

function statusNumber(status: Map<string, string | number>, name: string): number {
  return Number(status.get(name) ?? 0);
}

/**
 * COM_STATISTICS: one string packet (no OK header) in MariaDB's layout (sql/sql_parse.cc,
 * COM_STATISTICS), which `mariadb-admin status` prints as is. MySQL adds "Flush tables: 1"
 * after Opens; the tests check against MariaDB, so its form wins.
 */
export async function comStatistics(session: ProtocolSession): Promise<void> {
  const status = await session.link.globalStatus();
  const uptime = statusNumber(status, "Uptime");
  const questions = statusNumber(status, "Questions");
  const qps = uptime > 0 ? questions / uptime : 0;
  const text = `Uptime: ${uptime}  Threads: ${statusNumber(status, "Threads_connected")}  ` +
    `Questions: ${questions}  Slow queries: ${statusNumber(status, "Slow_queries")}  ` +
    `Opens: ${statusNumber(status, "Opened_tables")}  ` +
    `Open tables: ${statusNumber(status, "Open_tables")}  ` +
    `Queries per second avg: ${qps.toFixed(3)}`;
  const out = session.out;
  out.beginPacket();
  out.string(text);
  out.endPacket();
}

/** COM_PROCESS_KILL: KILL CONNECTION id, through the engine, which checks SUPER /
 * CONNECTION_ADMIN for another user's session (1095) and counts it in Com_kill. */
export async function comProcessKill(session: ProtocolSession, payload: Uint8Array): Promise<void> {
  const id = new PacketReader(payload, 1).int4();
  if (!session.sql) throw new MysqlError(ER.ER_UNKNOWN_COM_ERROR, "Unknown command");
  await session.sql.execute(`KILL CONNECTION ${id}`);
  session.writeOk();
}

/** COM_SET_OPTION: switch CLIENT_MULTI_STATEMENTS; MySQL answers with EOF. */
export function comSetOption(session: ProtocolSession, payload: Uint8Array): void {
  const option = new PacketReader(payload, 1).int2();
  if (option === MYSQL_OPTION_MULTI_STATEMENTS_ON) session.multiStatements = true;
  else if (option === MYSQL_OPTION_MULTI_STATEMENTS_OFF) session.multiStatements = false;
  else throw new MysqlError(ER.ER_UNKNOWN_COM_ERROR, "Unknown command");
  writeResultSetEnd(session.out, {
    statusFlags: session.statusFlags(),
    deprecateEof: deprecateEof(session),
  });
}

/** COM_RESET_CONNECTION: reset the session state without re-authenticating. */
export function comResetConnection(session: ProtocolSession): void {
  session.statements.closeAll();
  session.sql?.reset();
  session.applyInteractiveTimeout();
  session.variablesMayHaveChanged = true;
  session.writeOk();
}

/** COM_SHUTDOWN: hand the request to the main thread, which owns shutdown; answer EOF. */
export async function comShutdown(session: ProtocolSession): Promise<void> {
  await session.link.requestShutdown(session.sql?.identity.user ?? "");
  writeResultSetEnd(session.out, {
    statusFlags: session.statusFlags(),
    deprecateEof: deprecateEof(session),
  });
}
