/**
 * The metadata locks a statement asks for (MySQL 8.0 MDL, sql/mdl.h): a DML plan takes SW on
 * the tables it writes and S on the ones it only reads, computed once and kept on the plan; DDL
 * commits implicitly and takes X, waiting for the open transactions that use its tables. Under
 * LOCK TABLES nothing is taken: the tables must be locked already (locks/session_locks.ts).
 */

import type { Plan } from "./plan.ts";
import type { Session } from "./session.ts";
import { MdlMode, type TableLockRequest } from "../locks/mod.ts";

/** Take the metadata locks of a DML plan (kept on the plan), or check them against LOCK TABLES. */
export function lockPlan(s: Session, plan: Plan): void {
  const locks = s.locks;
  if (!locks || plan.access.length === 0) return;
  const requests = plan.mdl ??= mdlRequests(plan);
  if (locks.lockedTables) {
    for (const r of requests) locks.checkLocked(r.db, r.name, r.mode !== MdlMode.S);
    return;
  }
  locks.acquire(requests, lockWaitTimeoutMdl(s));
}

/** The metadata locks of a plan: SW on written tables (and FOR UPDATE), S on the rest. */
function mdlRequests(plan: Plan): TableLockRequest[] {
  const out = new Map<string, TableLockRequest>();
  for (const a of plan.access) {
    const write = plan.writes && (plan.kind === "select" || a.priv !== "SELECT");
    const mode = write ? MdlMode.SW : MdlMode.S;
    const key = `${a.db}\0${a.table}`;
    const seen = out.get(key);
    if (!seen || seen.mode < mode) out.set(key, { db: a.db, name: a.table, mode });
  }
  return [...out.values()];
}

/**
 * Before DDL on `tables`: commit implicitly, then take X on each, waiting for the open
 * transactions that use them ("Waiting for table metadata lock"); under LOCK TABLES each
 * must be WRITE-locked instead (when `checkLocked`). The catalog is re-read after a wait.
 * TEMPORARY tables are the session's own and take no lock.
 */
export function lockForDdl(
  s: Session,
  tables: readonly { db: string; name: string }[],
  checkLocked: boolean,
): void {
  s.implicitCommit();
  const locks = s.locks;
  const permanent = tables.filter((t) => !s.temps.has(`${t.db}\0${t.name}`));
  if (!locks || permanent.length === 0) return;
  if (locks.lockedTables) {
    if (checkLocked) { for (const t of permanent) locks.checkLocked(t.db, t.name, true); }
    return;
  }
  locks.acquire(
    permanent.map((t) => ({ db: t.db, name: t.name, mode: MdlMode.X })),
    lockWaitTimeoutMdl(s),
  );
  if (s.engine.catalog.refresh(s.conn.db)) s.conn.invalidate();
}

/** lock_wait_timeout in seconds: how long a metadata lock or LOCK TABLES waits (1205 after). */
export function lockWaitTimeoutMdl(s: Session): number {
  return Number(s.vars.get("lock_wait_timeout") ?? 31536000);
}
