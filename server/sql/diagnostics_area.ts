/**
 * The session's diagnostics area (MySQL's Diagnostics_area, sql/sql_error.h): the errors,
 * warnings and notes of the last statement, which SHOW WARNINGS, SHOW ERRORS, SHOW COUNT(*)
 * WARNINGS, @@warning_count and @@error_count read. Every statement clears it first except
 * those diagnostics statements themselves, and a failed statement leaves only its error.
 */

import type { Token } from "./lexer.ts";

/** One warning, note or error for SHOW WARNINGS. */
export interface Warning {
  level: "Note" | "Warning" | "Error";
  code: number;
  message: string;
}

/** The most entries the area keeps for one statement; later ones are dropped. */
export const MAX_WARNINGS = 64;

/** Whether a SHOW statement (`tokens`) reads the diagnostics area, and so must not clear it:
 * SHOW WARNINGS, SHOW ERRORS, SHOW COUNT(*) WARNINGS / ERRORS. */
export function keepsDiagnostics(tokens: Token[]): boolean {
  const w = tokens[1];
  if (!w || w.kind !== "word") return false;
  if (w.upper === "WARNINGS" || w.upper === "ERRORS") return true;
  return w.upper === "COUNT";
}
