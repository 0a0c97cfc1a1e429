/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

/** A lock-table owner in its own thread, driven by messages (for tests that need a waiter). */

import { LockOwner, LockTable } from "../../server/locks/mod.ts";
import { MysqlError } from "../../server/errors/mysql_error.ts";

type Request =
  | { t: "attach"; buffer: SharedArrayBuffer; connectionId: number }
  | { t: "mdl"; slot: number; mode: number; timeout: number }
  | { t: "get_lock"; name: string; timeout: number }
  | { t: "release_all" };

let owner: LockOwner | null = null;

self.onmessage = (e: MessageEvent<Request>) => {
  const m = e.data;
  try {
    if (m.t === "attach") {
      owner = new LockTable(m.buffer).attach(m.connectionId);
      self.postMessage({ ok: true, value: owner.index });
    } else if (m.t === "mdl") {
      owner!.acquireMdl(m.slot, m.mode, m.timeout);
      self.postMessage({ ok: true, value: null });
    } else if (m.t === "get_lock") {
      self.postMessage({ ok: true, value: owner!.getLock(m.name, m.timeout) });
    } else {
      owner!.detach();
      owner = null;
      self.postMessage({ ok: true, value: null });
    }
  } catch (error) {
    const code = error instanceof MysqlError ? error.code : -1;
    self.postMessage({ ok: false, code, message: String(error) });
  }
};
