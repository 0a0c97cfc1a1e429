/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

/**
 * A HandlerSocket worker thread (the plugin's `hstcpsvr_worker`): one engine session on its own
 * store connection, shared by the HandlerSocket connections the main thread gives it; each
 * connection has its own executor (open indexes, auth state). Batches of request lines are
 * answered in order with one reply each.
 */

import { storePathOf } from "../datadir.ts";
import { openEngine } from "../sql/engine.ts";
import type { Engine } from "../sql/engine.ts";
import type { ServerLink, SqlSession } from "../sql/types.ts";
import { SERVER_VERSION } from "../version.ts";
import { HsExecutor } from "./hs_executor.ts";
import type { FromHsWorker, ToHsWorker } from "./hs_messages.ts";

let engine: Engine | null = null;
let session: SqlSession | null = null;
const executors = new Map<number, HsExecutor>();
const totals = { requests: 0, errors: 0 };
let queue: Promise<void> = Promise.resolve();

function send(message: FromHsWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

/** Server operations a HandlerSocket session never needs (no SHOW PROCESSLIST, KILL, ...). */
function noServerLink(): ServerLink {
  const refuse = () =>
    Promise.reject(new Error("Cannot run a server operation from HandlerSocket"));
  return {
    processList: refuse,
    kill: refuse,
    globalStatus: refuse,
    setGlobalVariable: refuse,
    requestShutdown: refuse,
  };
}

function start(m: Extract<ToHsWorker, { t: "start" }>): void {
  try {
    engine = openEngine({
      path: storePathOf(m.datadir),
      serverVersion: SERVER_VERSION,
      catalogEpoch: new Int32Array(m.catalogEpoch),
    });
    const globals = new Map(m.globals);
    // The plugin's sessions act with full rights, as its threads do in MySQL.
    session = engine.openSession(
      {
        connectionId: m.threadId,
        user: "root",
        host: "localhost",
        accountHost: "localhost",
        db: null,
        interactive: false,
      },
      noServerLink(),
      () => globals,
    );
    send({ t: "started" });
  } catch (error) {
    send({ t: "failed", message: String((error as Error).message ?? error) });
  }
}

async function lines(conn: number, batch: Uint8Array[]): Promise<void> {
  const ex = executors.get(conn);
  if (!ex) return;
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const line of batch) {
    const before = { ...ex.counters };
    const out = await ex.handle(line);
    totals.requests += ex.counters.requests - before.requests;
    totals.errors += ex.counters.errors - before.errors;
    parts.push(out);
    length += out.length;
  }
  const data = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  send({ t: "reply", conn, data, requests: totals.requests, errors: totals.errors }, [
    data.buffer,
  ]);
}

function stop(): void {
  for (const ex of executors.values()) ex.close();
  executors.clear();
  session?.close();
  engine?.close();
  session = null;
  engine = null;
  send({ t: "stopped" });
  self.close();
}

function handle(m: ToHsWorker): Promise<void> | void {
  switch (m.t) {
    case "start":
      return start(m);
    case "open":
      if (session) executors.set(m.conn, new HsExecutor(session, m));
      return;
    case "lines":
      return lines(m.conn, m.lines);
    case "close":
      executors.get(m.conn)?.close();
      executors.delete(m.conn);
      return;
    case "stop":
      return stop();
  }
}

self.onmessage = (e: MessageEvent<ToHsWorker>) => {
  // Strictly in order: a batch may wait (a lock), and later messages must not overtake it.
  queue = queue.then(() => handle(e.data)).catch((error) => {
    console.error(`HandlerSocket worker: ${error}`);
  });
};
