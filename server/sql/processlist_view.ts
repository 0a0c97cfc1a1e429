/**
 * information_schema.PROCESSLIST (MySQL 8.0's columns ID, USER, HOST, DB, COMMAND, TIME, STATE,
 * INFO, plus MariaDB's TIME_MS): the process list lives on the main thread, so a statement
 * that reads the view first fetches it (`ServerLink.processList`), and the view reads it back
 * through the registered function `mydeno_processlist()` as JSON rows (the view's SQL is in
 * store/information_schema_views.ts). The view is a real
 * store view, so WHERE, ORDER BY, joins and aggregates work on it like on any table.
 */

import type { Plan } from "./plan.ts";
import type { ProcessInfo, SqlValue } from "./types.ts";
export { PROCESSLIST_FUNCTION } from "../store/information_schema_views.ts";

const STORE_NAME = '"information_schema.PROCESSLIST"';
/** Plans that read the view (marked once, when compiled). */
const READERS = new WeakSet<Plan>();

/** Remember whether `plan` reads the view; called when a plan is compiled. */
export function markProcessListReader(plan: Plan): void {
  if (plan.sql.includes(STORE_NAME)) READERS.add(plan);
}

/** True when `plan` reads the view (its rows must be fetched first). */
export function readsProcessList(plan: Plan): boolean {
  return READERS.has(plan);
}

/** One row of SHOW PROCESSLIST: Id, User, Host, db, Command, Time (whole seconds), State,
 * Info (cut at `infoLength` characters when given, as SHOW without FULL does). */
export function processRow(p: ProcessInfo, infoLength?: number): SqlValue[] {
  const info = p.info !== null && infoLength !== undefined ? p.info.slice(0, infoLength) : p.info;
  return [p.id, p.user, p.host, p.db, p.command, Math.floor(p.timeMs / 1000), p.state, info];
}

/** The rows as the view's JSON, in the view's column order: SHOW PROCESSLIST's columns, then
 * TIME_MS in milliseconds with three decimals. */
export function processListJson(list: readonly ProcessInfo[]): string {
  return JSON.stringify(list.map((p) => [...processRow(p), Math.round(p.timeMs * 1000) / 1000]));
}
