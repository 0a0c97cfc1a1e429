/** A temporary store and engine session for the SQL engine tests (no network). */

import { DatabaseSync } from "node:sqlite";
import { bootstrapAccounts } from "../../server/auth/account_store.ts";
import { initializeStore, openEngine } from "../../server/sql/engine.ts";
import type { Engine } from "../../server/sql/engine.ts";
import type {
  ServerLink,
  SessionIdentity,
  SqlSession,
  StatementResult,
} from "../../server/sql/types.ts";
import { MysqlError } from "../../server/errors/mysql_error.ts";

/** A ServerLink that answers from memory. */
export function fakeLink(): ServerLink {
  return {
    processList: () => Promise.resolve([]),
    kill: () => Promise.resolve(),
    globalStatus: () => Promise.resolve(new Map<string, string | number>([["Uptime", 1]])),
    setGlobalVariable: () => Promise.resolve(),
    requestShutdown: () => Promise.resolve(),
  };
}

/** root@localhost as connection 1, a non-interactive client. */
export function rootIdentity(db: string | null = null): SessionIdentity {
  return {
    connectionId: 1,
    user: "root",
    host: "localhost",
    accountHost: "localhost",
    db,
    interactive: false,
  };
}

/** An engine on a fresh temp file, its session, and helpers; dispose with `using`. */
export class EngineFixture {
  readonly dir: string;
  readonly engine: Engine;
  readonly session: SqlSession;

  constructor(db: string | null = null) {
    this.dir = Deno.makeTempDirSync({ prefix: "mydeno-sql-" });
    const path = `${this.dir}/store.db`;
    initializeStore(path);
    this.engine = openEngine({ path, serverVersion: "8.0.36-mydeno-test" });
    this.session = this.open(db);
  }

  /** Create the grant tables with root@localhost and no password (as --initialize-insecure). */
  bootstrapAccounts(): void {
    const db = new DatabaseSync(`${this.dir}/store.db`);
    bootstrapAccounts(db, { rootPassword: null });
    db.close();
  }

  /** Another session on the same engine. */
  open(db: string | null = null): SqlSession {
    return this.engine.openSession(rootIdentity(db), fakeLink(), () => new Map());
  }

  /** Run statements in order; returns the last result. */
  async run(...sql: string[]): Promise<StatementResult> {
    let r: StatementResult | undefined;
    for (const s of sql) r = await this.session.execute(s);
    return r!;
  }

  /** Rows of a SELECT. */
  async rows(sql: string): Promise<unknown[][]> {
    const r = await this.session.execute(sql);
    if (r.kind !== "rows") throw new Error(`Cannot read rows: ${sql} returned OK`);
    return r.rows;
  }

  /** The MySQL error code a statement fails with (throws if it succeeds). */
  async errorOf(sql: string): Promise<{ code: number; message: string }> {
    try {
      await this.session.execute(sql);
    } catch (e) {
      if (e instanceof MysqlError) return { code: e.code, message: e.message };
      throw e;
    }
    throw new Error(`Expected an error from: ${sql}`);
  }

  [Symbol.dispose](): void {
    this.session.close();
    this.engine.close();
    Deno.removeSync(this.dir, { recursive: true });
  }
}
