/**
 * The memory tables as SQL sees them: OceanBase's `__all_virtual_malloc_sample_info` (as
 * information_schema.__all_virtual_malloc_sample_info, and under its bare name from any
 * database) and MySQL's performance_schema.memory_summary_global_by_event_name.
 *
 * Both are store views over `json_each(mydeno_memory_rows(kind))`. The rows live on the main
 * thread (`memory_registry.ts`); a statement whose plan reads one of the views fetches them
 * first (`ServerLink.memoryRows`) and the registered function hands them to SQLite, so WHERE,
 * ORDER BY, LIMIT, joins and aggregates work as on any table (the PROCESSLIST mechanism).
 */

import type { DatabaseSync } from "node:sqlite";
import type { FunctionGuard } from "../sql/function_guard.ts";
import type { MemoryRows } from "./memory_registry.ts";

/** The registered function the views read. */
export const MEMORY_ROWS_FUNCTION = "mydeno_memory_rows";

/** OceanBase's name of the sample table. */
export const SAMPLE_TABLE = "__all_virtual_malloc_sample_info";
/** MySQL's memory summary table, in performance_schema. */
export const SUMMARY_TABLE = "memory_summary_global_by_event_name";

/** The information_schema view names these add (upper case, as information_schema keeps them). */
export const MEMORY_INFORMATION_SCHEMA_VIEWS = [SAMPLE_TABLE.toUpperCase()];
/** The performance_schema tables these add. */
export const PERFORMANCE_SCHEMA_TABLES = [SUMMARY_TABLE];

const SAMPLE_COLUMNS = [
  "svr_ip",
  "svr_port",
  "tenant_id",
  "ctx_id",
  "mod_name",
  "back_trace",
  "ctx_name",
  "alloc_count",
  "alloc_bytes",
];

const SUMMARY_COLUMNS = [
  "EVENT_NAME",
  "COUNT_ALLOC",
  "COUNT_FREE",
  "SUM_NUMBER_OF_BYTES_ALLOC",
  "SUM_NUMBER_OF_BYTES_FREE",
  "LOW_COUNT_USED",
  "CURRENT_COUNT_USED",
  "HIGH_COUNT_USED",
  "LOW_NUMBER_OF_BYTES_USED",
  "CURRENT_NUMBER_OF_BYTES_USED",
  "HIGH_NUMBER_OF_BYTES_USED",
];

/** The store names of the views, as the rewriter emits them (quoted). */
const STORE_NAMES = [
  `"information_schema.${SAMPLE_TABLE.toUpperCase()}"`,
  `"performance_schema.${SUMMARY_TABLE}"`,
];

function jsonView(columns: string[], kind: string): string {
  return `SELECT ${
    columns.map((c, i) => `json_extract(m.value, '$[${i}]') AS ${c}`).join(", ")
  } FROM json_each(${MEMORY_ROWS_FUNCTION}('${kind}')) AS m`;
}

/** (Re)create the views; called with the information_schema views. */
export function createMemoryViews(db: DatabaseSync): void {
  const views: [string, string][] = [
    [`information_schema.${SAMPLE_TABLE.toUpperCase()}`, jsonView(SAMPLE_COLUMNS, "samples")],
    [`performance_schema.${SUMMARY_TABLE}`, jsonView(SUMMARY_COLUMNS, "summary")],
  ];
  for (const [name, body] of views) {
    db.exec(`DROP VIEW IF EXISTS "${name}"`);
    db.exec(`CREATE VIEW "${name}" AS ${body}`);
  }
}

/** True when compiled SQL reads one of the views (its rows must be fetched first). */
export function readsMemoryViews(storeSql: string): boolean {
  return STORE_NAMES.some((name) => storeSql.includes(name));
}

/** The rows the running statement reads, as JSON (one statement at a time per thread). */
let current = { summary: "[]", samples: "[]" };

/** Hand the rows fetched from the main thread to the views. */
export function setMemoryRows(rows: MemoryRows): void {
  current = { summary: JSON.stringify(rows.summary), samples: JSON.stringify(rows.samples) };
}

/** Register `mydeno_memory_rows(kind)` on a store connection. */
export function registerMemoryFunctions(guard: FunctionGuard): void {
  guard.register(
    MEMORY_ROWS_FUNCTION,
    { deterministic: false },
    (kind) => kind === "summary" ? current.summary : current.samples,
  );
}
