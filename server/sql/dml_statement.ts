/**
 * The DML path of a session's statement: its plan found in the connection's plan cache by
 * digest (or compiled and cached on a miss), then run by dml_runner.ts. A plan that reads a view
 * only the main thread can fill (information_schema.PROCESSLIST, the memory views) is marked
 * when it is compiled, and each run of it fetches the view's rows first.
 *
 * The functions take their arguments positionally, like dml_runner.ts `runPlan`: this is the
 * per-statement hot path, and an options object would be one more allocation per statement.
 */

import type { Token } from "./lexer.ts";
import type { Plan } from "./plan.ts";
import type { SqlValue } from "./types.ts";
import type { Outcome, Session } from "./session.ts";
import { digest } from "./digest.ts";
import { compileDml } from "./dml_compiler.ts";
import { runPlan } from "./dml_runner.ts";
import { pinsMatch } from "./plan_cache.ts";
import { privilegesOf } from "./privilege_checks.ts";
import { markProcessListReader, processListJson, readsProcessList } from "./processlist_view.ts";
import {
  markMemoryReader,
  ownSamples,
  readsHeapSamples,
  readsMemoryViews,
  setMemoryRows,
} from "../memory/memory_views.ts";

/** Run a DML statement: the cached plan of its digest when its pinned literals match. */
export function runDml(
  s: Session,
  sql: string,
  tokens: Token[],
  params: readonly SqlValue[],
): Outcome {
  const d = digest(tokens, s.currentDb ?? "");
  let plan = s.conn.plans.get(d.key);
  if (plan && !pinsMatch(plan, d.literals)) plan = undefined;
  if (!plan) {
    plan = compilePlan(s, sql, tokens);
    s.conn.plans.set(d.key, plan);
  }
  return runPlanWithViews(s, plan, sql, d.literals, params);
}

/** Compile a DML statement, marking the plan when it reads a view the main thread fills. */
export function compilePlan(s: Session, sql: string, tokens: Token[]): Plan {
  const plan = compileDml(s, sql, tokens);
  markProcessListReader(plan);
  markMemoryReader(plan);
  return plan;
}

/** Run a compiled plan; one that reads the memory views or PROCESSLIST fetches them first. */
export function runPlanWithViews(
  s: Session,
  plan: Plan,
  sql: string,
  literals: readonly unknown[],
  params: readonly SqlValue[],
): Outcome {
  if (readsMemoryViews(plan) && s.link.memoryRows) {
    return s.link.memoryRows({ heapSamples: readsHeapSamples(plan) }).then((rows) => {
      // Without PROCESS an account sees only its own session's samples (as PROCESSLIST).
      const all = privilegesOf(s).global("PROCESS");
      setMemoryRows(all ? rows : ownSamples(rows, s.identity.connectionId));
      return runPlanWithProcessList(s, plan, sql, literals, params);
    });
  }
  return runPlanWithProcessList(s, plan, sql, literals, params);
}

function runPlanWithProcessList(
  s: Session,
  plan: Plan,
  sql: string,
  literals: readonly unknown[],
  params: readonly SqlValue[],
): Outcome {
  if (!readsProcessList(plan)) return runPlan(s, plan, sql, literals, params);
  return s.link.processList().then((list) => {
    // Without PROCESS an account sees only its own threads (MySQL).
    const all = privilegesOf(s).global("PROCESS");
    s.processListJson = processListJson(
      all ? list : list.filter((p) => p.user === s.identity.user),
    );
    return runPlan(s, plan, sql, literals, params);
  });
}
