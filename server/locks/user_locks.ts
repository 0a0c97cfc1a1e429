/**
 * User-level locks: GET_LOCK / RELEASE_LOCK / IS_FREE_LOCK / IS_USED_LOCK / RELEASE_ALL_LOCKS
 * with MySQL 5.7+ semantics (MySQL 8.0 reference 12.15 "Locking Functions"): a session may hold
 * several locks and take the same lock again (each GET_LOCK needs its own RELEASE_LOCK); names
 * are case-insensitive, at most 64 characters, identified by a 64-bit hash (name_hash.ts).
 */

import { type LockMemory, U_CONN, U_COUNT, U_HI, U_LO, U_OWNER, WaitKind } from "./_layout.ts";
import { userLockHash } from "./name_hash.ts";
import { findUserEntry, freeUserEntry } from "./user_lock_entries.ts";
import { deadlineOf, waitForGrant } from "./lock_wait.ts";
import { SessionState, type WaitSignals } from "../session/session_signals.ts";
import { MysqlError } from "../errors/mysql_error.ts";

/** MySQL's ER_USER_LOCK_WRONG_NAME. */
export const ER_USER_LOCK_WRONG_NAME = 3057;
/** MySQL's ER_USER_LOCK_DEADLOCK. */
export const ER_USER_LOCK_DEADLOCK = 3058;

/** The hash of a valid lock name (3057 for NULL, empty or longer than 64 characters). */
export function lockNameHash(name: string | null): [number, number] {
  if (name === null || name === "" || [...name].length > 64) {
    throw new MysqlError(
      ER_USER_LOCK_WRONG_NAME,
      `Incorrect user-level lock name '${name ?? "NULL"}'.`,
    );
  }
  return userLockHash(name);
}

/** GET_LOCK(name, timeout) for owner `i`: 1 when taken, 0 on timeout. */
export function getUserLock(
  m: LockMemory,
  owner: { index: number; connectionId: number },
  name: string | null,
  timeoutSeconds: number,
  signals: WaitSignals,
): number {
  const [hi, lo] = lockNameHash(name);
  const a = m.a;
  const outcome = waitForGrant(m, owner.index, signals, {
    kind: WaitKind.USER,
    a: hi,
    b: lo,
    deadline: deadlineOf(timeoutSeconds),
    state: SessionState.USER_LOCK,
    tryGrant() {
      let e = findUserEntry(m, hi, lo);
      if (e >= 0) {
        const u = m.user(e);
        if (a[u + U_OWNER] !== owner.index + 1) return false;
        a[u + U_COUNT]!++;
        return true;
      }
      e = freeUserEntry(m);
      if (e < 0) {
        throw new MysqlError(1105, "Cannot take a user-level lock: the lock table is full");
      }
      const u = m.user(e);
      a[u + U_HI] = hi;
      a[u + U_LO] = lo;
      a[u + U_CONN] = owner.connectionId;
      a[u + U_COUNT] = 1;
      a[u + U_OWNER] = owner.index + 1;
      return true;
    },
  });
  if (outcome === "deadlock") {
    throw new MysqlError(
      ER_USER_LOCK_DEADLOCK,
      "Deadlock found when trying to get user-level lock; try rolling back transaction/" +
        "releasing locks and restarting lock acquisition.",
    );
  }
  return outcome === "granted" ? 1 : 0;
}

/** RELEASE_LOCK(name): 1 released once, 0 held by another session, null when nobody holds it. */
export function releaseUserLock(m: LockMemory, index: number, name: string | null): number | null {
  const [hi, lo] = lockNameHash(name);
  m.lock();
  try {
    const e = findUserEntry(m, hi, lo);
    if (e < 0) return null;
    const u = m.user(e);
    if (m.a[u + U_OWNER] !== index + 1) return 0;
    if (--m.a[u + U_COUNT]! === 0) {
      m.a[u + U_OWNER] = 0;
      m.bump();
    }
    return 1;
  } finally {
    m.unlock();
  }
}

/** IS_USED_LOCK(name): the connection id of the holder, or null. */
export function userLockHolder(m: LockMemory, name: string | null): number | null {
  const [hi, lo] = lockNameHash(name);
  m.lock();
  try {
    const e = findUserEntry(m, hi, lo);
    return e < 0 ? null : m.a[m.user(e) + U_CONN]!;
  } finally {
    m.unlock();
  }
}

/** RELEASE_ALL_LOCKS() (under the mutex): the number of locks released, counting recursion. */
export function releaseAllUserLocksLocked(m: LockMemory, index: number): number {
  let released = 0;
  for (let e = 0; e < m.userLocks; e++) {
    const u = m.user(e);
    if (m.a[u + U_OWNER] !== index + 1) continue;
    released += m.a[u + U_COUNT]!;
    m.a[u + U_OWNER] = 0;
  }
  return released;
}
