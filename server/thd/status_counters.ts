/**
 * A session's status counters (MySQL's `system_status_var`): Questions, Queries and the Com_*
 * counters, kept by the session's worker in shared memory that the main thread reads for
 * SHOW SESSION STATUS and sums (with the counts of ended sessions) for SHOW GLOBAL STATUS.
 *
 * One writer per array (the worker); the main thread only reads. Float64 slots count exactly
 * to 2^53 and an aligned 8-byte read does not tear.
 */

/** The Com_* counters kept, MySQL 8.0's names without the `Com_` prefix. */
const COM_NAMES = [
  "admin_commands",
  "alter_db",
  "alter_table",
  "alter_user",
  "analyze",
  "begin",
  "change_db",
  "check",
  "checksum",
  "commit",
  "create_db",
  "create_index",
  "create_role",
  "create_table",
  "create_user",
  "create_view",
  "dealloc_sql",
  "delete",
  "delete_multi",
  "do",
  "drop_db",
  "drop_index",
  "drop_role",
  "drop_table",
  "drop_user",
  "drop_view",
  "empty_query",
  "execute_sql",
  "flush",
  "grant",
  "help",
  "insert",
  "insert_select",
  "kill",
  "lock_tables",
  "optimize",
  "prepare_sql",
  "purge",
  "release_savepoint",
  "rename_table",
  "rename_user",
  "repair",
  "replace",
  "replace_select",
  "reset",
  "revoke",
  "revoke_all",
  "rollback",
  "rollback_to_savepoint",
  "savepoint",
  "select",
  "set_option",
  "show_charsets",
  "show_collations",
  "show_create_db",
  "show_create_table",
  "show_create_user",
  "show_databases",
  "show_engine_status",
  "show_errors",
  "show_fields",
  "show_grants",
  "show_keys",
  "show_master_status",
  "show_open_tables",
  "show_plugins",
  "show_privileges",
  "show_processlist",
  "show_status",
  "show_storage_engines",
  "show_table_status",
  "show_tables",
  "show_variables",
  "show_warnings",
  "shutdown",
  "stmt_close",
  "stmt_execute",
  "stmt_fetch",
  "stmt_prepare",
  "stmt_reprepare",
  "stmt_reset",
  "stmt_send_long_data",
  "truncate",
  "unlock_tables",
  "update",
  "update_multi",
  "xa_commit",
  "xa_end",
  "xa_prepare",
  "xa_recover",
  "xa_rollback",
  "xa_start",
] as const;

/** A Com_* counter's name without the prefix. */
export type ComName = typeof COM_NAMES[number];

/** Every counter of the array, by its SHOW STATUS name, in slot order. */
export const STATUS_COUNTER_NAMES: readonly string[] = [
  "Questions",
  "Queries",
  ...COM_NAMES.map((n) => `Com_${n}`),
];

/** Slot of Questions: statements sent by the client (not COM_PING, COM_STATISTICS,
 * COM_STMT_PREPARE, COM_STMT_CLOSE, COM_STMT_RESET), each statement of a multi-statement
 * COM_QUERY counted. */
export const QUESTIONS = 0;
/** Slot of Queries: Questions plus the prepared-statement commands it leaves out (MySQL also
 * counts statements inside stored programs; there are none here). */
export const QUERIES = 1;

const COM_SLOTS = new Map<string, number>(COM_NAMES.map((n, i) => [n, i + 2]));

/** The slot of Com_`name`. */
export function comSlot(name: ComName): number {
  return COM_SLOTS.get(name)!;
}

/** Bytes of the shared buffer one session's counters need. */
export const STATUS_BYTES = STATUS_COUNTER_NAMES.length * 8;

/** One session's counters over a shared buffer. */
export class StatusCounters {
  readonly values: Float64Array;

  /** Counters over `buffer` (a new zeroed one when absent). */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(STATUS_BYTES)) {
    this.values = new Float64Array(buffer);
  }

  /** The shared buffer (sent to the session's worker). */
  get buffer(): SharedArrayBuffer {
    return this.values.buffer as SharedArrayBuffer;
  }

  /** One more in `slot` (negative: nothing). */
  count(slot: number, n = 1): void {
    if (slot >= 0) this.values[slot]! += n;
  }

  /** Add every counter into `into` (sums for the global status). */
  addTo(into: Float64Array): void {
    const v = this.values;
    for (let i = 0; i < v.length; i++) into[i]! += v[i]!;
  }

  /** Zero every counter (FLUSH STATUS; a reused session). */
  reset(): void {
    this.values.fill(0);
  }
}

/** The counters as SHOW STATUS rows, by name. */
export function statusEntries(values: Float64Array): [string, number][] {
  return STATUS_COUNTER_NAMES.map((name, i) => [name, values[i] ?? 0]);
}
