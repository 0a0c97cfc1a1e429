/**
 * Nothing acknowledged is lost: six mysql2 clients write as fast as they can (autocommit
 * inserts, and explicit transactions of three inserts) when SIGTERM lands. After a restart on
 * the same datadir every row whose commit a client saw succeed is there, and every transaction
 * is there whole or not at all, including the one whose COMMIT was in flight.
 */

import assert from "node:assert/strict";
import { makeTestDir, startServer } from "../helpers/server_process.ts";
import {
  assertShutdownSeen,
  scenarioEnded,
  startScenario,
  storedIds,
} from "./_shutdown_clients.ts";

const WRITERS = 6;
const BATCH = 3;

Deno.test({
  name: "shutdown: SIGTERM in a write storm loses no acknowledged commit and splits none",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const dir = await makeTestDir("storm-");
  const datadir = `${dir}/data`;
  try {
    let acked: number[] = [];
    const written: { first: number; batch: number; next: number }[] = [];
    {
      await using srv = await startServer({ datadir });
      const s = await startScenario(srv, WRITERS);
      await new Promise((r) => setTimeout(r, 300));
      const status = await srv.stop("SIGTERM");
      await scenarioEnded(s);
      s.close();
      assert.equal(status.code, 0, await srv.logText());
      for (const w of s.writers) assertShutdownSeen(w.client, "a writer", false);
      acked = s.writers.flatMap((w) => w.acked);
      s.writers.forEach((w, i) => {
        written.push({ first: 1 + i * 1_000_000, batch: i % 2 === 0 ? 0 : BATCH, next: w.next });
      });
    }
    await using again = await startServer({ datadir });
    const ids = await storedIds(again);
    assert.ok(acked.length > 20, `only ${acked.length} commits acknowledged`);
    assert.deepEqual(acked.filter((id) => !ids.has(id)), [], "acknowledged rows lost");
    for (const w of written) {
      if (w.batch === 0) continue;
      for (let first = w.first; first < w.next; first += w.batch) {
        let present = 0;
        for (let id = first; id < first + w.batch; id++) if (ids.has(id)) present++;
        assert.ok(present === 0 || present === w.batch, `transaction at ${first} is half there`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
