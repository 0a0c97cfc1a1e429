/**
 * The statements of one HandlerSocket connection, by SQL text: prepared statements and point
 * reads (server/sql/point_read.ts), each made on first use and kept until the connection ends.
 */

import type { PointReader, PreparedStatement, SqlSession } from "../sql/types.ts";

/** Statements made on first use, freed together. */
export class HsStatements {
  readonly #session: SqlSession;
  readonly #prepared = new Map<string, PreparedStatement>();
  readonly #readers = new Map<string, PointReader | null>();

  constructor(session: SqlSession) {
    this.#session = session;
  }

  /** The prepared statement of `sql` (throws as `SqlSession.prepare`). */
  prepared(sql: string): PreparedStatement {
    let stmt = this.#prepared.get(sql);
    if (!stmt) {
      stmt = this.#session.prepare(sql);
      this.#prepared.set(sql, stmt);
    }
    return stmt;
  }

  /** The point reader of `sql`; null when the statement cannot be one (it then runs as a
   * prepared statement). */
  pointReader(sql: string): PointReader | null {
    let reader = this.#readers.get(sql);
    if (reader === undefined) {
      reader = this.#session.preparePointRead(sql);
      this.#readers.set(sql, reader);
    }
    return reader;
  }

  /** Free them all. Safe to call twice. */
  close(): void {
    for (const stmt of this.#prepared.values()) stmt.close();
    this.#prepared.clear();
    for (const reader of this.#readers.values()) reader?.close();
    this.#readers.clear();
  }
}
