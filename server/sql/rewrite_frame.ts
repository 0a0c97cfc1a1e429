/**
 * What the rewriter is given (the session's view through `RewriteContext`) and the state it
 * keeps per nesting level (`Frame`: statement, parenthesis, subquery).
 */

import type { MysqlError } from "../errors/mysql_error.ts";
import type { TableDef } from "../store/table_def.ts";

/** What the rewriter needs to know about the session. */
export interface RewriteContext {
  currentDb: string | null;
  /** The table `db`.`name` (temporary tables first), or undefined. */
  findTable(db: string, name: string): TableDef | undefined;
  pipesAsConcat: boolean;
  /** 1146 for a missing table, or 1142 when the session could not use it anyway (MySQL). */
  noSuchTable(db: string, name: string, priv: string): MysqlError;
}

/** A table a SELECT level reads, for the kill check in its WHERE (rewrite_scan_check.ts). */
export interface ScanRef {
  alias: string;
  /** A base table (checked on one rowid in 4096) rather than a CTE (checked on every row). */
  rowid: boolean;
}

/** State of one nesting level (statement, parenthesis, subquery). */
export interface Frame {
  /** Tables this SELECT level reads (shared with a parenthesised join inside its FROM). */
  scans: ScanRef[] | null;
  /** This level's WHERE gets the check (a SELECT, UPDATE or DELETE level). */
  scanHost: boolean;
  /** The WHERE was opened as `check AND (`: the `)` comes at the clause's end. */
  whereOpen: boolean;
  inFrom: boolean;
  expectTable: boolean;
  selectList: boolean;
  /** "order" / "group" while in those lists: number items there are column positions. */
  list: "" | "order" | "group";
  top: boolean;
  itemStart: number;
  itemOut: number;
}

/** A new frame. */
export function newFrame(top = false): Frame {
  return {
    scans: null,
    scanHost: false,
    whereOpen: false,
    inFrom: false,
    expectTable: false,
    selectList: false,
    list: "",
    top,
    itemStart: -1,
    itemOut: -1,
  };
}
