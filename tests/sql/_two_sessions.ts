/**
 * Two engine sessions on one store file and one lock table, as two connections of a server:
 * `local` runs in the test's thread (it holds locks, it never waits), `remote` runs in a
 * worker (it waits) with a control array the test sets like the main thread would.
 */

import { initializeStore, openEngine } from "../../server/sql/engine.ts";
import type { Engine } from "../../server/sql/engine.ts";
import type { Session } from "../../server/sql/session.ts";
import { createLockTableBuffer, LockTable } from "../../server/locks/mod.ts";
import {
  KillValue,
  SessionSignals,
  SIGNAL_SLOTS,
  SignalSlot,
} from "../../server/session/session_signals.ts";
import { MysqlError } from "../../server/errors/mysql_error.ts";
import { fakeLink } from "./_engine_fixture.ts";

/** What the remote session answers: rows / affected rows, or a MySQL error. */
export type Reply = { ok: true; value: unknown } | { ok: false; code: number; message: string };

/** Connection ids of the two sessions. */
export const LOCAL_ID = 101;
export const REMOTE_ID = 102;

/** The pair; dispose with `await using`. */
export class TwoSessions implements AsyncDisposable {
  readonly dir = Deno.makeTempDirSync({ prefix: "mydeno-locks-" });
  readonly lockBuffer = createLockTableBuffer({ owners: 16 });
  readonly catalogEpoch = new SharedArrayBuffer(4);
  readonly engine: Engine;
  readonly local: Session;
  readonly localControl = newControl();
  readonly remoteControl = newControl();
  #worker = new Worker(new URL("./_session_worker.ts", import.meta.url), { type: "module" });
  #queue: ((r: Reply) => void)[] = [];

  constructor() {
    const path = `${this.dir}/store.db`;
    initializeStore(path);
    this.engine = openEngine({
      path,
      serverVersion: "8.0.36-test",
      lockTable: this.lockBuffer,
      catalogEpoch: new Int32Array(this.catalogEpoch),
    });
    this.local = this.engine.openSession(
      identity(LOCAL_ID),
      fakeLink(),
      () => new Map(),
    ) as Session;
    this.local.attachSignals(new SessionSignals(this.localControl));
    this.#worker.onmessage = (e: MessageEvent<Reply>) => this.#queue.shift()!(e.data);
  }

  /** Create database `d` with table `t` (and more statements), then start the remote session. */
  async setup(...sql: string[]): Promise<void> {
    await this.run("CREATE DATABASE d", "USE d", ...sql);
    const r = await this.#call({
      t: "open",
      path: `${this.dir}/store.db`,
      lockTable: this.lockBuffer,
      catalogEpoch: this.catalogEpoch,
      control: this.remoteControl.buffer,
      connectionId: REMOTE_ID,
      db: "d",
    });
    if (!r.ok) throw new Error(r.message);
  }

  /** Run statements on the local session; returns the last result's rows or affected rows. */
  async run(...sql: string[]): Promise<unknown> {
    let last: unknown = null;
    for (const s of sql) {
      const r = await this.local.execute(s);
      last = r.kind === "rows" ? r.rows : r.affectedRows;
    }
    return last;
  }

  /** The local session's error code for `sql`. */
  async localError(sql: string): Promise<number> {
    try {
      await this.local.execute(sql);
    } catch (e) {
      if (e instanceof MysqlError) return e.code;
      throw e;
    }
    throw new Error(`Expected an error from: ${sql}`);
  }

  /** Start a statement on the remote session. */
  remote(sql: string): Promise<Reply> {
    return this.#call({ t: "run", sql });
  }

  /** Set the remote's KILL word as the main thread does for KILL [QUERY]. */
  kill(value: number = KillValue.KILL_QUERY): void {
    Atomics.store(this.remoteControl, SignalSlot.KILL, value);
    Atomics.notify(this.remoteControl, SignalSlot.KILL);
  }

  /** The remote's client went away. */
  hangUp(): void {
    Atomics.store(this.remoteControl, SignalSlot.ALIVE, 0);
    Atomics.notify(this.remoteControl, SignalSlot.KILL);
  }

  /** The remote's PROCESSLIST state text now. */
  remoteState(): string {
    return SessionSignals.stateText(this.remoteControl);
  }

  /** Release what the remote connection holds, as the main thread does after a session ends. */
  releaseRemote(): number {
    return new LockTable(this.lockBuffer).releaseConnection(REMOTE_ID);
  }

  #call(message: Record<string, unknown>): Promise<Reply> {
    return new Promise((resolve) => {
      this.#queue.push(resolve);
      this.#worker.postMessage(message);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#call({ t: "close" });
    this.#worker.terminate();
    this.local.close();
    this.engine.close();
    Deno.removeSync(this.dir, { recursive: true });
  }
}

function newControl(): Int32Array {
  const control = new Int32Array(new SharedArrayBuffer(SIGNAL_SLOTS * 4));
  control[SignalSlot.ALIVE] = 1;
  return control;
}

function identity(connectionId: number) {
  return {
    connectionId,
    user: "root",
    host: "localhost",
    accountHost: "localhost",
    db: null,
    interactive: false,
  };
}

/** True when `p` has settled by now (lets pending microtasks and messages run first). */
export async function settled(p: Promise<unknown>, ms = 0): Promise<boolean> {
  return await Promise.race([
    p.then(() => true),
    new Promise<boolean>((r) => setTimeout(r, ms, false)),
  ]);
}

/** Wait `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
