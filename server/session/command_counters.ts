/**
 * What one command packet adds to the session's status counters (sql/sql_parse.cc
 * `dispatch_command`): Questions for every command but COM_PING, COM_STATISTICS and the
 * prepared-statement housekeeping (MySQL's CF_SKIP_QUESTIONS), Queries for all but COM_PING
 * and COM_STATISTICS, and the command's own Com_* counter. The statements of a COM_QUERY (and
 * the KILL that COM_PROCESS_KILL runs) count their Com_* in the engine.
 */

import {
  COM_CHANGE_USER,
  COM_DEBUG,
  COM_FIELD_LIST,
  COM_INIT_DB,
  COM_PING,
  COM_RESET_CONNECTION,
  COM_SET_OPTION,
  COM_SHUTDOWN,
  COM_STATISTICS,
  COM_STMT_CLOSE,
  COM_STMT_EXECUTE,
  COM_STMT_FETCH,
  COM_STMT_PREPARE,
  COM_STMT_RESET,
  COM_STMT_SEND_LONG_DATA,
} from "../../protocol/constants.ts";
import { type ComName, comSlot, QUERIES, QUESTIONS } from "../thd/status_counters.ts";
import type { StatusCounters } from "../thd/status_counters.ts";

/** Command byte → its Com_* counter (COM_PING and friends are Com_admin_commands, MySQL's
 * `com_other`; COM_STATISTICS counts as SHOW STATUS). */
const COMMAND_COUNTERS: ReadonlyMap<number, ComName> = new Map<number, ComName>([
  [COM_INIT_DB, "change_db"],
  [COM_FIELD_LIST, "show_fields"],
  [COM_STATISTICS, "show_status"],
  [COM_SET_OPTION, "set_option"],
  [COM_SHUTDOWN, "shutdown"],
  [COM_PING, "admin_commands"],
  [COM_DEBUG, "admin_commands"],
  [COM_CHANGE_USER, "admin_commands"],
  [COM_RESET_CONNECTION, "admin_commands"],
  [COM_STMT_PREPARE, "stmt_prepare"],
  [COM_STMT_EXECUTE, "stmt_execute"],
  [COM_STMT_SEND_LONG_DATA, "stmt_send_long_data"],
  [COM_STMT_CLOSE, "stmt_close"],
  [COM_STMT_RESET, "stmt_reset"],
  [COM_STMT_FETCH, "stmt_fetch"],
]);

/** Commands that are not Questions (MySQL's CF_SKIP_QUESTIONS). */
const SKIP_QUESTIONS = new Set([
  COM_PING,
  COM_STATISTICS,
  COM_STMT_PREPARE,
  COM_STMT_CLOSE,
  COM_STMT_RESET,
]);

/** Count one command packet whose first byte is `command`. */
export function countCommand(status: StatusCounters, command: number): void {
  if (!SKIP_QUESTIONS.has(command)) status.count(QUESTIONS);
  if (command !== COM_PING && command !== COM_STATISTICS) status.count(QUERIES);
  const com = COMMAND_COUNTERS.get(command);
  if (com !== undefined) status.count(comSlot(com));
}

/** One more statement of a multi-statement COM_QUERY (each is a Question). */
export function countExtraStatement(status: StatusCounters): void {
  status.count(QUESTIONS);
  status.count(QUERIES);
}
