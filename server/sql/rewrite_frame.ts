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

/** State of one nesting level (statement, parenthesis, subquery). */
export interface Frame {
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
    inFrom: false,
    expectTable: false,
    selectList: false,
    list: "",
    top,
    itemStart: -1,
    itemOut: -1,
  };
}
