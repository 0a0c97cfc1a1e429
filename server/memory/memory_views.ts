/**
 * The memory tables as SQL sees them: OceanBase's `__all_virtual_malloc_sample_info` (as
 * information_schema.__all_virtual_malloc_sample_info, and under its bare name from any
 * database), MySQL's performance_schema.memory_summary_global_by_event_name, and mydeno's
 * information_schema.JS_HEAP_STATISTICS and JS_HEAP_SAMPLES (V8's heap per thread).
 *
 * All are store views over `json_each()` of a registered function's JSON. The rows live on the main
 * thread (`memory_registry.ts`); a statement whose plan reads one of the views fetches them
 * first (`ServerLink.memoryRows`) and the registered function hands them to SQLite, so WHERE,
 * ORDER BY, LIMIT, joins and aggregates work as on any table (the PROCESSLIST mechanism).
 */

import type { DatabaseSync } from "node:sqlite";
import type { FunctionGuard } from "../sql/function_guard.ts";
import type { MemoryRows } from "./memory_registry.ts";
import { memoryTracker } from "./memory_tracker.ts";

/** The registered functions the views read (no arguments: the guard's callbacks are varargs). */
const FUNCTIONS = {
  summary: "mydeno_memory_summary",
  samples: "mydeno_memory_samples",
  heap: "mydeno_memory_heap",
  heapSamples: "mydeno_memory_heap_samples",
} as const;

/** OceanBase's name of the sample table. */
export const SAMPLE_TABLE = "__all_virtual_malloc_sample_info";
/** MySQL's memory summary table, in performance_schema. */
export const SUMMARY_TABLE = "memory_summary_global_by_event_name";

/** mydeno's table of each thread's V8 heap, in information_schema. */
export const HEAP_TABLE = "JS_HEAP_STATISTICS";
/** mydeno's table of each thread's live sampled JS allocations by stack, in information_schema. */
export const HEAP_SAMPLES_TABLE = "JS_HEAP_SAMPLES";

/** The information_schema view names these add (upper case, as information_schema keeps them). */
export const MEMORY_INFORMATION_SCHEMA_VIEWS = [
  SAMPLE_TABLE.toUpperCase(),
  HEAP_TABLE,
  HEAP_SAMPLES_TABLE,
];
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

const HEAP_COLUMNS = [
  "THREAD_ID",
  "THREAD_NAME",
  "USED_HEAP_SIZE",
  "TOTAL_HEAP_SIZE",
  "HEAP_SIZE_LIMIT",
  "EXTERNAL_MEMORY",
  "AGE_MS",
];

const HEAP_SAMPLES_COLUMNS = [
  "THREAD_ID",
  "THREAD_NAME",
  "BACK_TRACE",
  "ALLOC_COUNT",
  "ALLOC_BYTES",
  "AGE_MS",
];

/** The store name of JS_HEAP_SAMPLES, whose rows cost a profile fetch in every thread. */
const HEAP_SAMPLES_STORE_NAME = `"information_schema.${HEAP_SAMPLES_TABLE}"`;

/** The store names of the views, as the rewriter emits them (quoted). */
const STORE_NAMES = [
  `"information_schema.${SAMPLE_TABLE.toUpperCase()}"`,
  `"information_schema.${HEAP_TABLE}"`,
  HEAP_SAMPLES_STORE_NAME,
  `"performance_schema.${SUMMARY_TABLE}"`,
];

function jsonView(columns: string[], kind: keyof typeof FUNCTIONS): string {
  return `SELECT ${
    columns.map((c, i) => `json_extract(m.value, '$[${i}]') AS ${c}`).join(", ")
  } FROM json_each(${FUNCTIONS[kind]}()) AS m`;
}

/** (Re)create the views; called with the information_schema views. */
export function createMemoryViews(db: DatabaseSync): void {
  const views: [string, string][] = [
    [`information_schema.${SAMPLE_TABLE.toUpperCase()}`, jsonView(SAMPLE_COLUMNS, "samples")],
    [`performance_schema.${SUMMARY_TABLE}`, jsonView(SUMMARY_COLUMNS, "summary")],
    [`information_schema.${HEAP_TABLE}`, jsonView(HEAP_COLUMNS, "heap")],
    [`information_schema.${HEAP_SAMPLES_TABLE}`, jsonView(HEAP_SAMPLES_COLUMNS, "heapSamples")],
  ];
  for (const [name, body] of views) {
    db.exec(`DROP VIEW IF EXISTS "${name}"`);
    db.exec(`CREATE VIEW "${name}" AS ${body}`);
  }
}

/** Plans that read one of the views (marked once, when compiled). */
const READERS = new WeakSet<{ readonly sql: string }>();
/** Plans that read JS_HEAP_SAMPLES. */
const HEAP_SAMPLE_READERS = new WeakSet<{ readonly sql: string }>();

/** Remember whether a compiled plan reads one of the views; called when it is compiled. */
export function markMemoryReader(plan: { readonly sql: string }): void {
  if (STORE_NAMES.some((name) => plan.sql.includes(name))) READERS.add(plan);
  if (plan.sql.includes(HEAP_SAMPLES_STORE_NAME)) HEAP_SAMPLE_READERS.add(plan);
}

/** True when the plan reads one of the views (its rows must be fetched first). */
export function readsMemoryViews(plan: { readonly sql: string }): boolean {
  return READERS.has(plan);
}

/** True when the plan reads JS_HEAP_SAMPLES (every thread's profile must be fetched). */
export function readsHeapSamples(plan: { readonly sql: string }): boolean {
  return HEAP_SAMPLE_READERS.has(plan);
}

/** The rows the running statement reads, as JSON (one statement at a time per thread). */
let current = { summary: "[]", samples: "[]", heap: "[]", heapSamples: "[]" };

/** The rows an account without PROCESS sees: its own session's samples only, and the JS heap
 * samples of the thread serving it (this one). */
export function ownSamples(rows: MemoryRows, connectionId: number): MemoryRows {
  const ctx = `connection ${connectionId}`;
  const thread = memoryTracker.thread;
  return {
    ...rows,
    samples: rows.samples.filter((r) => r[6] === ctx),
    heapSamples: rows.heapSamples.filter((r) => r[0] === thread),
  };
}

/** Hand the rows fetched from the main thread to the views. */
export function setMemoryRows(rows: MemoryRows): void {
  current = {
    summary: JSON.stringify(rows.summary),
    samples: JSON.stringify(rows.samples),
    heap: JSON.stringify(rows.heap),
    heapSamples: JSON.stringify(rows.heapSamples),
  };
}

/** Register the views' functions on a store connection. */
export function registerMemoryFunctions(guard: FunctionGuard): void {
  guard.register(FUNCTIONS.summary, { deterministic: false }, () => current.summary);
  guard.register(FUNCTIONS.samples, { deterministic: false }, () => current.samples);
  guard.register(FUNCTIONS.heap, { deterministic: false }, () => current.heap);
  guard.register(FUNCTIONS.heapSamples, { deterministic: false }, () => current.heapSamples);
}

/** Where a table reference to one of the memory tables points: performance_schema's summary,
 * information_schema's sample table, or the sample table's bare name from any database (or
 * none) unless the current database has a table of that name (`shadowed`). Null for other
 * tables. */
export function memoryTableSchema(
  db: string | null,
  name: string,
  shadowed: () => boolean,
): { db: string; view: string; store: string } | null {
  const lower = name.toLowerCase();
  const schema = db?.toLowerCase() ?? null;
  if (schema === "performance_schema" && lower === SUMMARY_TABLE) {
    return { db: "performance_schema", view: SUMMARY_TABLE, store: `performance_schema.${lower}` };
  }
  if (lower !== SAMPLE_TABLE) return null;
  if (schema === "information_schema" || (db === null && !shadowed())) {
    const view = SAMPLE_TABLE.toUpperCase();
    return { db: "information_schema", view, store: `information_schema.${view}` };
  }
  return null;
}
