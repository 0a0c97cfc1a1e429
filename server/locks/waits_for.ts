/**
 * Deadlock detection over the waits-for graph of the lock table (under its mutex): each
 * waiting owner has published what it waits for; its edges go to the owners that block it.
 * A waiter that finds itself on a cycle is the victim (it closed the cycle last, so it is the
 * youngest wait), withdraws and fails with 1213 (MDL) or 3058 (GET_LOCK), as MySQL does.
 */

import {
  CONFLICTS,
  type LockMemory,
  MdlMode,
  O_CONN,
  O_NHOLD,
  O_WAIT_A,
  O_WAIT_B,
  O_WAIT_KIND,
  U_OWNER,
  WaitKind,
} from "./_layout.ts";
import { findUserEntry } from "./user_lock_entries.ts";

/** Bit set of the modes owner `i` holds on MDL slot `slot`. */
export function heldModes(m: LockMemory, i: number, slot: number): number {
  const a = m.a;
  const n = a[m.owner(i) + O_NHOLD]!;
  let bits = 0;
  for (let h = 0; h < n; h++) {
    const key = a[m.holding(i, h)]!;
    if (key >> 2 === slot) bits |= 1 << (key & 3);
  }
  return bits;
}

/** Owners that block owner `j`'s published wait. */
function blockers(m: LockMemory, j: number, out: number[]): void {
  const a = m.a;
  const o = m.owner(j);
  const kind = a[o + O_WAIT_KIND];
  if (kind === WaitKind.USER) {
    const e = findUserEntry(m, a[o + O_WAIT_A]!, a[o + O_WAIT_B]!);
    if (e >= 0) out.push(a[m.user(e) + U_OWNER]! - 1);
    return;
  }
  if (kind !== WaitKind.MDL) return;
  const slot = a[o + O_WAIT_A]!;
  const mode = a[o + O_WAIT_B]!;
  const conflicts = CONFLICTS[mode]!;
  const holdsAny = heldModes(m, j, slot) !== 0;
  for (let k = 0; k < m.owners; k++) {
    if (k === j || a[m.owner(k) + O_CONN] === 0) continue;
    if ((heldModes(m, k, slot) & conflicts) !== 0) out.push(k);
    else if (mode !== MdlMode.X && !holdsAny && waitsForX(m, k, slot)) out.push(k);
  }
}

function waitsForX(m: LockMemory, k: number, slot: number): boolean {
  const o = m.owner(k);
  return m.a[o + O_WAIT_KIND] === WaitKind.MDL && m.a[o + O_WAIT_A] === slot &&
    m.a[o + O_WAIT_B] === MdlMode.X;
}

/** True when owner `self`'s wait closes a cycle in the waits-for graph (under the mutex). */
export function findDeadlock(m: LockMemory, self: number): boolean {
  const seen = new Uint8Array(m.owners);
  const stack = [self];
  const next: number[] = [];
  while (stack.length > 0) {
    const j = stack.pop()!;
    next.length = 0;
    blockers(m, j, next);
    for (const k of next) {
      if (k === self) return true;
      if (k >= 0 && seen[k] === 0) {
        seen[k] = 1;
        stack.push(k);
      }
    }
  }
  return false;
}
