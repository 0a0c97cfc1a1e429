/**
 * Metadata locks in the shared lock table (MySQL's MDL subsystem, sql/mdl.cc, reduced to four
 * modes): per hashed table slot the held count of each mode and the count of pending X
 * requests, which block new S / SW / SNR requests of sessions that hold nothing on the table
 * yet (a pending DDL is not starved by a stream of readers, as in MySQL). Functions whose
 * name ends in `Locked` run under the table's mutex.
 */

import { CONFLICTS, type LockMemory, MdlMode, O_NHOLD, PENDING_X } from "./_layout.ts";
import { heldModes } from "./waits_for.ts";
import { ER, MysqlError } from "../errors/mysql_error.ts";

/** Key of a holding: slot and mode in one word. */
export function holdingKey(slot: number, mode: number): number {
  return slot * 4 + mode;
}

/** Whether owner `i` may take `mode` on `slot` now. */
export function grantableLocked(m: LockMemory, i: number, slot: number, mode: number): boolean {
  const a = m.a;
  const conflicts = CONFLICTS[mode]!;
  const own = heldModes(m, i, slot);
  for (let k = 0; k < 4; k++) {
    if ((conflicts & (1 << k)) === 0) continue;
    // Each owner holds a (slot, mode) at most once, so its own share is 0 or 1.
    const others = a[m.mdl(slot, k)]! - ((own >> k) & 1);
    if (others > 0) return false;
  }
  return mode === MdlMode.X || own !== 0 || a[m.mdl(slot, PENDING_X)] === 0;
}

/** Take `mode` on `slot` for owner `i` when grantable. */
export function tryAcquireLocked(m: LockMemory, i: number, slot: number, mode: number): boolean {
  if (!grantableLocked(m, i, slot, mode)) return false;
  const a = m.a;
  const o = m.owner(i);
  const n = a[o + O_NHOLD]!;
  const key = holdingKey(slot, mode);
  for (let h = 0; h < n; h++) {
    if (a[m.holding(i, h)] === key) return true;
  }
  if (n >= m.holds) {
    throw new MysqlError(
      ER.ER_UNKNOWN_ERROR,
      `Cannot lock more tables: a session holds at most ${m.holds} metadata locks`,
    );
  }
  a[m.holding(i, n)] = key;
  a[m.holding(i, n) + 1] = 1;
  a[o + O_NHOLD] = n + 1;
  a[m.mdl(slot, mode)]!++;
  return true;
}

/** Release owner `i`'s holdings whose key `release` accepts; returns how many. */
export function releaseLocked(m: LockMemory, i: number, release: (key: number) => boolean): number {
  const a = m.a;
  const o = m.owner(i);
  let n = a[o + O_NHOLD]!;
  let released = 0;
  for (let h = 0; h < n;) {
    const at = m.holding(i, h);
    const key = a[at]!;
    if (!release(key)) {
      h++;
      continue;
    }
    a[m.mdl(key >> 2, key & 3)]!--;
    // Keep the list dense: move the last holding into this place.
    const last = m.holding(i, n - 1);
    a[at] = a[last]!;
    a[at + 1] = a[last + 1]!;
    n--;
    released++;
  }
  a[o + O_NHOLD] = n;
  return released;
}
