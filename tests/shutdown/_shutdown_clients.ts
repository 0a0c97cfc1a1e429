/**
 * The clients a shutdown test keeps connected while the server stops, each a real npm `mysql2`
 * connection that records what it saw: an idle one, one in `SELECT SLEEP(60)`, one idle inside
 * an open transaction, and writers inserting rows as fast as they can (autocommit or in explicit
 * transactions), each remembering the rows whose commit it saw succeed.
 */

import assert from "node:assert/strict";
import type mysql from "mysql2/promise";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import type { ServerProcess } from "../helpers/server_process.ts";

/** What one client saw end its session: a server error number, or the connection closing. */
export interface Seen {
  errno: number | null;
  sqlState: string | null;
  message: string;
}

/** A connection that records the error or close that ended it. */
export class WatchedClient {
  readonly conn: mysql.Connection;
  seen: Seen | null = null;
  readonly #ended: Promise<void>;

  constructor(conn: mysql.Connection) {
    this.conn = conn;
    this.#ended = new Promise((resolve) => {
      // An idle session hears of the shutdown as an unsolicited ERR (mysql2: an `error` event,
      // the number in `code`), or as the socket closing (`end`).
      conn.on("error", (e: Error & { errno?: number; code?: unknown; sqlState?: string }) => {
        this.record(e);
        resolve();
      });
      conn.on("end", () => resolve());
    });
  }

  /** Keep the first error that ended the session. */
  record(e: Error & { errno?: number; code?: unknown; sqlState?: string }): void {
    if (this.seen) return;
    const errno = e.errno ?? (typeof e.code === "number" ? e.code : null);
    this.seen = { errno, sqlState: e.sqlState ?? null, message: e.message };
  }

  /** Resolves once the server ended the session, or after `ms`. */
  async ended(ms = 5000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.#ended, new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }

  close(): void {
    this.conn.destroy();
  }
}

/** A client inserting rows `(id, who)` until the server stops it. */
export class Writer {
  readonly client: WatchedClient;
  /** Ids whose commit the client saw succeed. */
  readonly acked: number[] = [];
  readonly #who: string;
  readonly #batch: number;
  #next: number;
  readonly done: Promise<void>;

  /** The next id this writer would have used (every id below it was tried). */
  get next(): number {
    return this.#next;
  }

  /** `batch` 0: autocommit inserts; n > 0: BEGIN, n inserts, COMMIT. */
  constructor(client: WatchedClient, who: string, firstId: number, batch: number) {
    this.client = client;
    this.#who = who;
    this.#next = firstId;
    this.#batch = batch;
    this.done = this.#run();
  }

  async #run(): Promise<void> {
    const c = this.client.conn;
    try {
      for (;;) {
        if (this.#batch === 0) {
          const id = this.#next++;
          await c.query("INSERT INTO s.t VALUES (?, ?)", [id, this.#who]);
          this.acked.push(id);
          continue;
        }
        const ids: number[] = [];
        await c.query("BEGIN");
        for (let i = 0; i < this.#batch; i++) {
          const id = this.#next++;
          ids.push(id);
          await c.query("INSERT INTO s.t VALUES (?, ?)", [id, this.#who]);
        }
        await c.query("COMMIT");
        this.acked.push(...ids);
      }
    } catch (e) {
      this.client.record(e as Error);
    }
  }
}

/** The clients of one shutdown test. */
export interface Scenario {
  idle: WatchedClient;
  sleeping: WatchedClient;
  sleepResult: Promise<void>;
  inTransaction: WatchedClient;
  writers: Writer[];
  /** Close every client connection (after the test looked at them). */
  close(): void;
}

/**
 * Create `s.t`, then connect the idle, sleeping, in-transaction and writing clients. The store
 * has one writer at a time (SQLite), so the open transaction holds an uncommitted row (id -1)
 * only when there are no writers, which would wait for it; with writers it has only read.
 */
export async function startScenario(srv: ServerProcess, writers = 2): Promise<Scenario> {
  const setup = await connectMysql2(srv);
  await setup.query("CREATE DATABASE IF NOT EXISTS s");
  await setup.query("CREATE TABLE IF NOT EXISTS s.t (id INT PRIMARY KEY, who VARCHAR(20))");
  await setup.end();
  const open = async () => new WatchedClient(await connectMysql2(srv));
  const idle = await open();
  await idle.conn.query("SELECT 1");
  const inTransaction = await open();
  await inTransaction.conn.query("BEGIN");
  await inTransaction.conn.query(
    writers > 0 ? "SELECT COUNT(*) FROM s.t" : "INSERT INTO s.t VALUES (-1, 'uncommitted')",
  );
  const sleeping = await open();
  const sleepResult = sleeping.conn.query("SELECT SLEEP(60)").then(
    () => {},
    (e) => sleeping.record(e),
  );
  const list: Writer[] = [];
  for (let i = 0; i < writers; i++) {
    list.push(new Writer(await open(), `w${i}`, 1 + i * 1_000_000, i % 2 === 0 ? 0 : 3));
  }
  // Let the writers get going and the sleeper reach its wait.
  while (list.some((w) => w.acked.length < 5)) await new Promise((r) => setTimeout(r, 10));
  return {
    idle,
    sleeping,
    sleepResult,
    inTransaction,
    writers: list,
    close() {
      for (const c of [idle, sleeping, inTransaction, ...list.map((w) => w.client)]) c.close();
    },
  };
}

/** Wait until every client heard of the shutdown. */
export async function scenarioEnded(s: Scenario): Promise<void> {
  await s.sleepResult;
  await Promise.all(s.writers.map((w) => w.done));
  await Promise.all([s.idle.ended(), s.inTransaction.ended()]);
}

/** A client that was told "Server shutdown in progress" (ERR 1053) or saw its socket close. */
export function assertShutdownSeen(c: WatchedClient, what: string, need1053: boolean): void {
  const seen = c.seen;
  if (need1053) {
    assert.equal(seen?.errno, 1053, `${what} saw: ${JSON.stringify(seen)}`);
    if (seen?.sqlState !== null) assert.equal(seen?.sqlState, "08S01", what);
    return;
  }
  // A writer between two statements may find the socket closed after the unsolicited ERR.
  if (seen?.errno === 1053) return;
  assert.match(seen?.message ?? "closed", /closed|ECONNRESET|EPIPE|Connection lost|1053/, what);
}

/** The ids in `s.t` (after a restart). */
export async function storedIds(srv: ServerProcess): Promise<Set<number>> {
  const c = await connectMysql2(srv);
  try {
    const [rows] = await c.query("SELECT id FROM s.t");
    return new Set((rows as { id: number }[]).map((r) => r.id));
  } finally {
    await c.end();
  }
}

/** The log of a clean shutdown started by `who`: the two lines in order, nothing forced. */
export function assertCleanShutdownLog(log: string, who: string): void {
  const start = log.indexOf(`(initiated by: ${who}): Normal shutdown`);
  assert.ok(start >= 0, `no Normal shutdown by ${who} in:\n${log}`);
  const end = log.indexOf("Shutdown complete", start);
  assert.ok(end > start, `no Shutdown complete after Normal shutdown in:\n${log}`);
  assert.doesNotMatch(log, /Forcing close|\[ERROR\]|not released|still registered/);
}

/** The pid of the server (the harness does not expose its child's pid). */
export async function serverPid(srv: ServerProcess): Promise<number> {
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmd = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
      if (cmd.includes("main.ts") && cmd.includes(`--port=${srv.port}\0`)) {
        return Number(entry.name);
      }
    } catch {
      // the process went away
    }
  }
  throw new Error(`Cannot find the server process on port ${srv.port}`);
}
