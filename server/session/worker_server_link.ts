/**
 * `ServerLink` inside a session worker: each call is an `rpc` message to the main thread,
 * answered by an `rpc-reply` with the same id, which the call waits for on the worker's channel
 * (the worker's event loop does not run while it waits on shared memory, so no event could
 * deliver it).
 */

import { MysqlError } from "../errors/mysql_error.ts";
import type { ProcessInfo, ServerLink } from "../sql/types.ts";
import type { MemoryRows } from "../memory/memory_registry.ts";
import { memoryTracker } from "../memory/memory_tracker.ts";
import type { FromWorker, RpcOp } from "./session_messages.ts";
import type { RpcReply } from "./worker_channel.ts";

/** ServerLink calls as messages to the main thread. */
export class WorkerServerLink implements ServerLink {
  #post: (message: FromWorker) => void;
  #reply: (id: number) => Promise<RpcReply>;
  #nextId = 1;

  /** `post` sends a message to the main thread; `reply` waits for the answer to call `id`. */
  constructor(post: (message: FromWorker) => void, reply: (id: number) => Promise<RpcReply>) {
    this.#post = post;
    this.#reply = reply;
  }

  async #call<T>(op: RpcOp, args: unknown[]): Promise<T> {
    const id = this.#nextId++;
    this.#post({ t: "rpc", id, op, args });
    const reply = await this.#reply(id);
    if (!reply.ok) throw new MysqlError(reply.code, reply.message, reply.sqlState);
    return reply.value as T;
  }
  processList(): Promise<ProcessInfo[]> {
    return this.#call("processList", []);
  }

  kill(
    id: number,
    options: { queryOnly: boolean; byUser: string; canKillAny: boolean },
  ): Promise<void> {
    return this.#call("kill", [id, options]);
  }

  globalStatus(scope: "global" | "session" = "global"): Promise<Map<string, string | number>> {
    return this.#call("globalStatus", [scope]);
  }

  setGlobalVariable(name: string, value: string | number): Promise<void> {
    return this.#call("setGlobalVariable", [name, value]);
  }

  requestShutdown(byUser: string): Promise<void> {
    return this.#call("requestShutdown", [byUser]);
  }

  plugins(op: "install" | "uninstall" | "list", name: string, library: string): Promise<unknown> {
    return this.#call("plugins", [op, name, library]);
  }

  /** `heapSamples`: JS_HEAP_SAMPLES' rows too (every thread fetches its V8 heap profile). */
  memoryRows(options: { heapSamples?: boolean } = {}): Promise<MemoryRows> {
    // This thread's samples as they are now, before the main thread reads them.
    memoryTracker.publish();
    return this.#call("memoryRows", [options]);
  }
}
