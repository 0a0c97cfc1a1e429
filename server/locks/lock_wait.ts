/**
 * The one wait loop of the lock table: publish what the owner waits for, then sleep on the
 * table's generation word in slices, checking the session's kill / alive state and the
 * waits-for graph between slices, until the request is granted, the timeout passes, or the
 * session is killed (the `WaitSignals` check throws). The published wait is always withdrawn.
 */

import { H_GEN, type LockMemory, MdlMode, O_WAIT_A, O_WAIT_B, O_WAIT_KIND } from "./_layout.ts";
import { O_WAIT_SEQ, PENDING_X, WaitKind } from "./_layout.ts";
import { findDeadlock } from "./waits_for.ts";
import { SessionState, type WaitSignals } from "../session/session_signals.ts";

/** What one wait is for. */
export interface WaitRequest {
  kind: typeof WaitKind.MDL | typeof WaitKind.USER;
  /** MDL: slot and mode; USER: the two halves of the name hash. */
  a: number;
  b: number;
  /** Try to take the lock (called under the mutex). */
  tryGrant(): boolean;
  /** `performance.now()` after which the wait times out (Infinity: never). */
  deadline: number;
  /** `SessionState` published while waiting. */
  state: number;
}

/** How a wait ended (a kill throws instead). */
export type WaitOutcome = "granted" | "timeout" | "deadlock";

/** Take a lock for owner `i`, waiting cooperatively when it is busy. */
export function waitForGrant(
  m: LockMemory,
  i: number,
  signals: WaitSignals,
  req: WaitRequest,
): WaitOutcome {
  m.lock();
  let granted: boolean;
  try {
    granted = req.tryGrant();
  } catch (e) {
    m.unlock();
    throw e;
  }
  if (granted) {
    m.unlock();
    return "granted";
  }
  const a = m.a;
  const o = m.owner(i);
  const pendingX = req.kind === WaitKind.MDL && req.b === MdlMode.X ? m.mdl(req.a, PENDING_X) : -1;
  a[o + O_WAIT_KIND] = req.kind;
  a[o + O_WAIT_A] = req.a;
  a[o + O_WAIT_B] = req.b;
  a[o + O_WAIT_SEQ] = m.nextSeq();
  if (pendingX >= 0) a[pendingX]!++;
  m.waiters(1);
  let locked = true;
  let outcome: WaitOutcome = "timeout";
  signals.setState(req.state);
  try {
    for (;;) {
      if (findDeadlock(m, i)) {
        outcome = "deadlock";
        break;
      }
      const gen = m.generation();
      m.unlock();
      locked = false;
      const left = req.deadline - performance.now();
      if (left <= 0) break;
      signals.check();
      signals.waitOn(a, H_GEN, gen, left);
      signals.check();
      m.lock();
      locked = true;
      if (req.tryGrant()) {
        outcome = "granted";
        break;
      }
    }
  } finally {
    if (!locked) m.lock();
    a[o + O_WAIT_KIND] = WaitKind.NONE;
    if (pendingX >= 0) a[pendingX]!--;
    m.waiters(-1);
    // A withdrawn X request may have been what held back new S / SW requests.
    if (outcome !== "granted" && pendingX >= 0) m.bump();
    m.unlock();
    signals.setState(SessionState.EXECUTING);
  }
  return outcome;
}

/** `performance.now()` deadline of a timeout in seconds (negative: none). */
export function deadlineOf(seconds: number): number {
  return seconds < 0 || !Number.isFinite(seconds) ? Infinity : performance.now() + seconds * 1000;
}
