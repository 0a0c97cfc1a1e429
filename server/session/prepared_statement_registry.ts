/**
 * The prepared statements of one session (COM_STMT_PREPARE ... COM_STMT_CLOSE): their ids, the
 * parameter types of their last execution (reused when new-params-bound is 0), and the long
 * data sent for their parameters.
 */

import { type MemoryHandle, memoryTracker } from "../memory/memory_tracker.ts";
import type { PreparedStatement } from "../sql/types.ts";

/** One prepared statement as the protocol layer tracks it. */
export interface PreparedEntry {
  readonly id: number;
  readonly statement: PreparedStatement;
  /** Parameter types of the last COM_STMT_EXECUTE that bound them; null before. */
  paramTypes: number[] | null;
  /** COM_STMT_SEND_LONG_DATA chunks by parameter index, cleared after each execution. */
  longData: Map<number, Uint8Array[]>;
  /** Its text may SET session variables (see `mayChangeVariables`). */
  readonly mayChangeVariables: boolean;
  /** Its allocation in the memory tracker, released when it is closed. */
  readonly memory: MemoryHandle;
}

/** What a prepared statement is counted as beyond its text: plan, parameters, metadata. */
const STATEMENT_OVERHEAD_BYTES = 1024;

/** debug_leak_memory's JavaScript leak, unknown to the memory tracker: kept for the life of the
 * thread, for V8's heap profile (information_schema.JS_HEAP_SAMPLES) to find. */
const keptOnPurpose: unknown[] = [];
/** Elements of each array kept: 256 KiB (uncompressed pointers), far above the sampling
 * interval, so V8 samples every one. */
const KEPT_ELEMENTS = 32 * 1024;

/** Keep an array for ever (debug_leak_memory): a leak that bypasses the tracker. */
function leakOnPurpose(): void {
  keptOnPurpose.push(new Array(KEPT_ELEMENTS).fill(0));
}

/**
 * Whether statement text may change session variables: it mentions SET or EXECUTE (of a
 * statement prepared with SET). A cheap over-approximation; a false alarm costs a few reads.
 */
export function mayChangeVariables(sql: string): boolean {
  return /set|execute/i.test(sql);
}

/** A session's prepared statements by id. */
export class PreparedStatementRegistry {
  #entries = new Map<number, PreparedEntry>();
  #nextId = 1;
  /** The memory tracker's context: which session owns the statements. */
  readonly ctx: string;

  constructor(ctx = "session") {
    this.ctx = ctx;
  }

  /** Register a statement; returns its new id. */
  add(statement: PreparedStatement, sql: string): PreparedEntry {
    const entry: PreparedEntry = {
      id: this.#nextId++,
      statement,
      paramTypes: null,
      longData: new Map(),
      mayChangeVariables: mayChangeVariables(sql),
      memory: memoryTracker.track(
        "prepared_statement",
        this.ctx,
        STATEMENT_OVERHEAD_BYTES + sql.length * 2,
      ),
    };
    this.#entries.set(entry.id, entry);
    return entry;
  }

  /** The statement with this id, or undefined. */
  get(id: number): PreparedEntry | undefined {
    return this.#entries.get(id);
  }

  /** COM_STMT_CLOSE: free one statement. Unknown ids are ignored, as MySQL does. */
  close(id: number): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    entry.statement.close();
    // debug_leak_memory: forget the allocation on purpose, so a test sees the leak reported,
    // and keep some JavaScript memory the tracker does not know of.
    if (!memoryTracker.debugLeak) memoryTracker.release(entry.memory);
    else leakOnPurpose();
  }

  /** Free every statement (reset, change user, disconnect). */
  closeAll(): void {
    for (const entry of this.#entries.values()) {
      entry.statement.close();
      memoryTracker.release(entry.memory);
    }
    this.#entries.clear();
  }
}
