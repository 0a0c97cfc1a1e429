/** A small LRU cache of compiled plans by digest key. */

import type { Plan } from "./plan.ts";
import { type MemoryHandle, memoryTracker } from "../memory/memory_tracker.ts";

/** What a cached plan is counted as in the memory tracker beyond its SQL: statement, slots. */
const PLAN_OVERHEAD_BYTES = 2048;

/** LRU map from digest key to plan; the oldest plan is dropped past `capacity`. */
export class PlanCache {
  #map = new Map<string, Plan>();
  /** Each cached plan in the memory tracker (mod_name "cached_plan"); set on a miss only. */
  #memory = new Map<string, MemoryHandle>();
  #capacity: number;

  constructor(capacity = 256) {
    this.#capacity = capacity;
  }

  /** The plan for `key`, marking it most recently used. */
  get(key: string): Plan | undefined {
    const p = this.#map.get(key);
    if (p !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, p);
    }
    return p;
  }

  /** Remember a plan. */
  set(key: string, plan: Plan): void {
    this.#map.delete(key);
    this.#map.set(key, plan);
    this.#forget(key);
    const bytes = PLAN_OVERHEAD_BYTES + plan.sql.length * 2;
    this.#memory.set(key, memoryTracker.track("cached_plan", memoryTracker.threadName, bytes));
    if (this.#map.size > this.#capacity) {
      const oldest = this.#map.keys().next().value as string;
      this.#map.delete(oldest);
      this.#forget(oldest);
    }
  }

  #forget(key: string): void {
    const memory = this.#memory.get(key);
    if (memory === undefined) return;
    memoryTracker.release(memory);
    this.#memory.delete(key);
  }

  /** Forget every plan (the catalog changed). */
  clear(): void {
    this.#map.clear();
    for (const memory of this.#memory.values()) memoryTracker.release(memory);
    this.#memory.clear();
  }

  get size(): number {
    return this.#map.size;
  }
}

/** Whether the literals baked into `plan` (ORDER BY 1) have these values: else compile anew. */
export function pinsMatch(plan: Plan, literals: readonly unknown[]): boolean {
  for (const p of plan.pins) {
    const v = literals[p.lit];
    if (v === undefined || String(v) !== p.value) return false;
  }
  return true;
}
