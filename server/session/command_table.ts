/**
 * The one dispatch table of the command phase: command byte → handler, each handler named
 * after the protocol message it answers. A byte missing here gets ER_UNKNOWN_COM_ERROR.
 */

import {
  COM_CHANGE_USER,
  COM_DEBUG,
  COM_FIELD_LIST,
  COM_INIT_DB,
  COM_PING,
  COM_PROCESS_KILL,
  COM_QUERY,
  COM_QUIT,
  COM_RESET_CONNECTION,
  COM_SET_OPTION,
  COM_SHUTDOWN,
  COM_STATISTICS,
  COM_STMT_CLOSE,
  COM_STMT_EXECUTE,
  COM_STMT_PREPARE,
  COM_STMT_RESET,
  COM_STMT_SEND_LONG_DATA,
} from "../../protocol/constants.ts";
import { decodeChangeUser } from "../../protocol/commands.ts";
import {
  comDebug,
  comPing,
  comProcessKill,
  comQuit,
  comResetConnection,
  comSetOption,
  comShutdown,
  comStatistics,
} from "./admin_commands.ts";
import type { ProtocolSession } from "./protocol_session.ts";
import { comFieldList, comInitDb, comQuery } from "./query_commands.ts";
import {
  comStmtClose,
  comStmtExecute,
  comStmtPrepare,
  comStmtReset,
  comStmtSendLongData,
} from "./statement_commands.ts";

/** Handles one command packet (`payload[0]` is the command byte) by appending its reply to
 * `session.out`; throws `MysqlError` to answer ERR. */
export type CommandHandler = (
  session: ProtocolSession,
  payload: Uint8Array,
) => void | Promise<void>;

/** COM_CHANGE_USER: log in again as another user. */
function comChangeUser(session: ProtocolSession, payload: Uint8Array): void {
  session.changeUser(decodeChangeUser(payload, session.capabilities));
}

/** Command byte → handler. COM_STMT_FETCH is absent: cursors are not offered. */
export const COMMAND_TABLE: Readonly<Record<number, CommandHandler>> = {
  [COM_QUIT]: comQuit,
  [COM_INIT_DB]: comInitDb,
  [COM_QUERY]: comQuery,
  [COM_FIELD_LIST]: comFieldList,
  [COM_SHUTDOWN]: comShutdown,
  [COM_STATISTICS]: comStatistics,
  [COM_PROCESS_KILL]: comProcessKill,
  [COM_DEBUG]: comDebug,
  [COM_PING]: comPing,
  [COM_CHANGE_USER]: comChangeUser,
  [COM_STMT_PREPARE]: comStmtPrepare,
  [COM_STMT_EXECUTE]: comStmtExecute,
  [COM_STMT_SEND_LONG_DATA]: comStmtSendLongData,
  [COM_STMT_CLOSE]: comStmtClose,
  [COM_STMT_RESET]: comStmtReset,
  [COM_SET_OPTION]: comSetOption,
  [COM_RESET_CONNECTION]: comResetConnection,
};
