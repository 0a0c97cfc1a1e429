/**
 * The observer connection of the lifecycle benchmark: reads the process list, issues KILL, and
 * waits (bounded) for a session to appear in a statement or to leave the list.
 */

import { RawConnection } from "./raw_mysql.ts";
import type { RawOutcome, RawResult } from "./raw_mysql.ts";

/** One PROCESSLIST row, as much of it as the benchmark reads. */
export interface ProcessRow {
  id: number;
  command: string;
  state: string;
  info: string;
}

/** The statement the observer polls with, for the report. */
export const PROCESSLIST_QUERIES = {
  infoSchema: "SELECT ID, COMMAND, STATE, INFO FROM information_schema.PROCESSLIST",
  show: "SHOW FULL PROCESSLIST",
} as const;

const QUERY_TIMEOUT_MS = 10_000;

/** A server to observe: where it listens. */
export interface ObservedServer {
  host: string;
  port: number;
}

/** Polls the process list over its own raw connection; reconnects after a failed query. */
export class Observer {
  #srv: ObservedServer;
  #conn: RawConnection | undefined;
  #query: string | undefined;
  /** Milliseconds between polls. */
  readonly pollMs: number;

  constructor(srv: ObservedServer, pollMs = 5) {
    this.#srv = srv;
    this.pollMs = pollMs;
  }

  /** The polling statement in use (`information_schema.PROCESSLIST`, else SHOW PROCESSLIST). */
  get pollQuery(): string {
    return this.#query ?? PROCESSLIST_QUERIES.infoSchema;
  }

  /** Runs `sql` on the observer connection (opening one if needed); throws on ERR. */
  async query(sql: string, timeoutMs = QUERY_TIMEOUT_MS): Promise<RawResult> {
    const conn = await this.#connection();
    try {
      return await conn.query(sql, timeoutMs);
    } finally {
      if (conn.closed) this.#conn = undefined;
    }
  }

  /** Sends `sql` and resolves with its outcome, never rejecting (for KILL timing). */
  async send(sql: string, timeoutMs = QUERY_TIMEOUT_MS): Promise<RawOutcome> {
    const conn = await this.#connection();
    const outcome = await conn.send(sql, timeoutMs);
    if (conn.closed) this.#conn = undefined;
    return outcome;
  }

  /** The first cell of the first row of `sql`, or undefined. */
  async scalar(sql: string): Promise<string | undefined> {
    const res = await this.query(sql);
    return res.rows[0]?.[0] ?? undefined;
  }

  /** The current process list. */
  async processList(): Promise<ProcessRow[]> {
    if (this.#query === undefined) {
      try {
        await this.query(PROCESSLIST_QUERIES.infoSchema);
        this.#query = PROCESSLIST_QUERIES.infoSchema;
      } catch {
        this.#query = PROCESSLIST_QUERIES.show;
      }
    }
    const res = await this.query(this.#query);
    const col = (name: string) => res.columns.findIndex((c) => c.toUpperCase() === name);
    const [id, command, state, info] = ["ID", "COMMAND", "STATE", "INFO"].map(col);
    return res.rows.map((r) => ({
      id: Number(r[id!]),
      command: r[command!] ?? "",
      state: r[state!] ?? "",
      info: r[info!] ?? "",
    }));
  }

  /**
   * Waits until session `id` shows `sql` as its statement; returns its row, or undefined when
   * `stop()` turns true or `timeoutMs` passes first.
   */
  async waitRunning(
    id: number,
    sql: string,
    timeoutMs: number,
    stop: () => boolean,
  ): Promise<ProcessRow | undefined> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && !stop()) {
      const row = (await this.processList()).find((r) => r.id === id);
      if (row && row.info !== "" && sql.startsWith(row.info.slice(0, 60))) return row;
      await delay(this.pollMs);
    }
    return undefined;
  }

  /** Polls until `id` leaves the list; its time since `since`, or undefined after `deadline`. */
  async waitGone(id: number, since: number, deadline: number): Promise<number | undefined> {
    for (;;) {
      const rows = await this.processList();
      const now = performance.now();
      if (!rows.some((r) => r.id === id)) return now - since;
      if (now >= deadline) return undefined;
      await delay(this.pollMs);
    }
  }

  /**
   * Removes a leftover session: KILL QUERY, then KILL CONNECTION, each followed by a bounded
   * wait. Returns false when the session is still listed at the end.
   */
  async removeSession(id: number): Promise<boolean> {
    for (const [kill, waitMs] of [["KILL QUERY", 2_000], ["KILL CONNECTION", 3_000]] as const) {
      const start = performance.now();
      if (await this.waitGone(id, start, start) !== undefined) return true;
      await this.send(`${kill} ${id}`);
      if (await this.waitGone(id, start, start + waitMs) !== undefined) return true;
    }
    return false;
  }

  /** Waits until at most `count` sessions are listed; false if `timeoutMs` passes first. */
  async waitListed(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if ((await this.processList()).length <= count) return true;
      await delay(50);
    }
    return false;
  }

  /** Closes the observer connection. Safe to call twice. */
  close(): void {
    this.#conn?.close();
    this.#conn = undefined;
  }

  async #connection(): Promise<RawConnection> {
    if (this.#conn === undefined || this.#conn.closed) {
      this.#conn = await RawConnection.open(this.#srv.host, this.#srv.port);
    }
    return this.#conn;
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
