/**
 * The kill check of long statements. node:sqlite has no interrupt or progress handler, so the
 * rewriter adds to the WHERE of every SELECT / UPDATE / DELETE level that reads tables a term
 * per table that calls the registered `mydeno_check()` (which throws when the session was
 * killed or its client is gone, aborting the statement) for about one row in 4096:
 *
 *   WHERE (("a".rowid & 4095) IS NOT 0 OR abs(mydeno_check()))
 *     AND (("a".rowid + "b".rowid * 2731 & 4095) IS NOT 0 OR abs(mydeno_check())) AND (condition)
 *
 * SQLite evaluates the masks in C, so a 10M-row scan calls into JS about 2500 times. The k-th
 * table's term mixes the rowids of the first k tables: it runs in the innermost loop of those
 * tables and varies with every combination, so a nested-loop join over small tables (whose
 * own rowids may all stay below 4096) is checked too. `IS NOT 0` keeps a LEFT JOIN's missing
 * rows (NULL rowid) from calling JS. The terms are always true, so results never change, and
 * as AND terms they leave the index choice to the others (a rowid is in every index, so
 * covering index scans stay covering). A CTE has no rowid: its rows draw `random()` instead.
 */

import { quoteStore } from "../store/table_def.ts";
import type { Frame } from "./rewrite_frame.ts";
import type { SqlRewriter } from "./sql_rewriter.ts";
import { SCAN_CHECK_FUNCTION } from "./mysql_functions.ts";

/** About one row in (MASK + 1) calls the check. */
const MASK = 4095;

/**
 * Odd multipliers spread over [0, MASK] for the rowid of the k-th table of a level: the low 12
 * bits of the mixed sum then vary across every combination of rows, even when each table is
 * small (ten 4-row tables: 256 checks in a million combinations).
 */
const MIX = [
  1,
  2731,
  1657,
  3463,
  907,
  2203,
  3797,
  1201,
  2579,
  3319,
  617,
  1949,
  3001,
  449,
  2383,
  3607,
];

/** The check term for the tables of frame `f`, or "" when it reads none. */
function checkTerm(f: Frame): string {
  const scans = f.scans;
  if (!scans || scans.length === 0) return "";
  const terms: string[] = [];
  let mix = "";
  scans.forEach((t, k) => {
    if (!t.rowid) {
      terms.push(`((random() & ${MASK}) <> 0 OR abs(${SCAN_CHECK_FUNCTION}()))`);
      return;
    }
    const rowid = `${quoteStore(t.alias)}.rowid`;
    mix = mix === "" ? rowid : `${mix} + ${rowid} * ${MIX[k % MIX.length]}`;
    terms.push(`((${mix} & ${MASK}) IS NOT 0 OR abs(${SCAN_CHECK_FUNCTION}()))`);
  });
  scans.length = 0;
  return terms.join(" AND ");
}

/** Start a new SELECT level in frame `f` (also the next member of a UNION). */
export function startScanLevel(f: Frame): void {
  f.scans = [];
  f.scanHost = true;
  f.whereOpen = false;
}

/** Just after `WHERE` was emitted: put the check first and open the original condition. */
export function openWhere(rw: SqlRewriter, f: Frame): void {
  if (!f.scanHost) return;
  const term = checkTerm(f);
  if (term === "") return;
  rw.emit(`${term} AND (`);
  f.whereOpen = true;
}

/**
 * Where the FROM / WHERE part of a level ends (another clause, `)` or the end): close the
 * opened WHERE, or add `WHERE check` when the level had no WHERE.
 */
export function endWhere(rw: SqlRewriter, f: Frame): void {
  if (!f.scanHost) return;
  if (f.whereOpen) {
    f.whereOpen = false;
    // An empty WHERE stays unclosed, so SQLite reports incomplete input as MySQL does (1064
    // near '').
    if (!rw.out.endsWith("(")) rw.emit(")");
    return;
  }
  const term = checkTerm(f);
  if (term !== "") rw.emit(`WHERE ${term}`);
}
