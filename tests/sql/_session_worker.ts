/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

/**
 * An engine session in its own thread (as in the server: one worker per session), driven by
 * messages, so a test can let it wait on a lock while the test's own session holds it.
 */

import { openEngine } from "../../server/sql/engine.ts";
import type { Engine } from "../../server/sql/engine.ts";
import type { Session } from "../../server/sql/session.ts";
import { SessionSignals } from "../../server/session/session_signals.ts";
import { MysqlError } from "../../server/errors/mysql_error.ts";
import { fakeLink } from "./_engine_fixture.ts";

type Request =
  | {
    t: "open";
    path: string;
    lockTable: SharedArrayBuffer;
    catalogEpoch: SharedArrayBuffer;
    control: SharedArrayBuffer;
    connectionId: number;
    db: string | null;
  }
  | { t: "run"; sql: string }
  | { t: "close" };

let engine: Engine | null = null;
let session: Session | null = null;

async function handle(m: Request): Promise<unknown> {
  if (m.t === "open") {
    engine = openEngine({
      path: m.path,
      serverVersion: "8.0.36-test",
      lockTable: m.lockTable,
      catalogEpoch: new Int32Array(m.catalogEpoch),
    });
    session = engine.openSession(
      {
        connectionId: m.connectionId,
        user: "root",
        host: "localhost",
        accountHost: "localhost",
        db: m.db,
        interactive: false,
      },
      fakeLink(),
      () => new Map(),
    ) as Session;
    session.attachSignals(new SessionSignals(new Int32Array(m.control)));
    return null;
  }
  if (m.t === "run") {
    const r = await session!.execute(m.sql);
    return r.kind === "rows" ? r.rows : { affectedRows: r.affectedRows };
  }
  session?.close();
  engine?.close();
  return null;
}

self.onmessage = async (e: MessageEvent<Request>) => {
  try {
    self.postMessage({ ok: true, value: await handle(e.data) });
  } catch (error) {
    const code = error instanceof MysqlError ? error.code : -1;
    self.postMessage({ ok: false, code, message: String((error as Error).message ?? error) });
  }
};
