/** The user-level lock entries of the lock table (under its mutex). */

import { type LockMemory, U_HI, U_LO, U_OWNER } from "./_layout.ts";

/** Index of the entry of name hash (hi, lo), or -1. */
export function findUserEntry(m: LockMemory, hi: number, lo: number): number {
  const a = m.a;
  for (let e = 0; e < m.userLocks; e++) {
    const u = m.user(e);
    if (a[u + U_OWNER] !== 0 && a[u + U_LO] === lo && a[u + U_HI] === hi) return e;
  }
  return -1;
}

/** Index of a free entry, or -1 when all are taken. */
export function freeUserEntry(m: LockMemory): number {
  for (let e = 0; e < m.userLocks; e++) if (m.a[m.user(e) + U_OWNER] === 0) return e;
  return -1;
}
