/**
 * The privileges a DML statement needs, computed once when its plan is compiled (MySQL 8.0
 * reference 15.2 "Data Manipulation Statements" and 6.2.2 "Privileges Provided by MySQL"):
 * SELECT on every table read, including joins and subqueries; INSERT on an INSERT target
 * (plus DELETE for REPLACE and UPDATE for ON DUPLICATE KEY UPDATE); UPDATE or DELETE on the
 * target, plus SELECT on it when a WHERE clause reads its columns.
 */

import type { PlanKind, TableAccess, TableRef } from "./plan.ts";

/** What the compiler knows about the written table. */
export interface WriteAccess {
  /** INSERT / UPDATE / DELETE write `tables[0]`. */
  kind: PlanKind;
  replace: boolean;
  upsert: boolean;
  /** The statement has a WHERE clause (its columns are read). */
  where: boolean;
}

/** The (privilege, table) pairs of a statement over `tables`, without duplicates. */
export function planAccess(tables: readonly TableRef[], w: WriteAccess): TableAccess[] {
  const out: TableAccess[] = [];
  const add = (priv: string, t: TableRef) => {
    // information_schema is readable by every account; TEMPORARY tables need no privilege.
    if (t.def === null || t.def.temporary || t.db.toLowerCase() === "information_schema") return;
    if (out.some((a) => a.priv === priv && a.db === t.db && a.table === t.name)) return;
    out.push({ priv, db: t.db, table: t.name });
  };
  tables.forEach((t, i) => {
    if (i > 0 || w.kind === "select") return add("SELECT", t);
    for (const priv of targetPrivileges(w)) add(priv, t);
  });
  return out;
}

function targetPrivileges(w: WriteAccess): string[] {
  switch (w.kind) {
    case "insert":
      return w.replace ? ["INSERT", "DELETE"] : w.upsert ? ["INSERT", "UPDATE"] : ["INSERT"];
    case "update":
      return w.where ? ["UPDATE", "SELECT"] : ["UPDATE"];
    case "delete":
      return w.where ? ["DELETE", "SELECT"] : ["DELETE"];
    default:
      return ["SELECT"];
  }
}

/** SELECT on every table of an expression evaluated outside DML (SET, DO, SHOW ... WHERE). */
export function readAccess(tables: readonly TableRef[]): TableAccess[] {
  return planAccess(tables, { kind: "select", replace: false, upsert: false, where: false });
}
