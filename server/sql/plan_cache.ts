/** A small LRU cache of compiled plans by digest key. */

import type { Plan } from "./plan.ts";

/** LRU map from digest key to plan; the oldest plan is dropped past `capacity`. */
export class PlanCache {
  #map = new Map<string, Plan>();
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
    if (this.#map.size > this.#capacity) {
      const oldest = this.#map.keys().next().value as string;
      this.#map.delete(oldest);
    }
  }

  /** Forget every plan (the catalog changed). */
  clear(): void {
    this.#map.clear();
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
