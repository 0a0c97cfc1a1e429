/**
 * `ServerLink` inside a session worker: each call is an `rpc` message to the main thread,
 * answered by an `rpc-reply` with the same id.
 */

import { MysqlError } from "../errors/mysql_error.ts";
import type { ProcessInfo, ServerLink } from "../sql/types.ts";
import type { FromWorker, RpcOp, ToWorker } from "./session_messages.ts";

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** ServerLink calls as messages to the main thread. */
export class WorkerServerLink implements ServerLink {
  #post: (message: FromWorker) => void;
  #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(post: (message: FromWorker) => void) {
    this.#post = post;
  }

  #call<T>(op: RpcOp, args: unknown[]): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#post({ t: "rpc", id, op, args });
    });
  }

  /** Settle the call an `rpc-reply` answers. */
  settle(reply: Extract<ToWorker, { t: "rpc-reply" }>): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(new MysqlError(reply.code, reply.message, reply.sqlState));
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

  globalStatus(): Promise<Map<string, string | number>> {
    return this.#call("globalStatus", []);
  }

  setGlobalVariable(name: string, value: string | number): Promise<void> {
    return this.#call("setGlobalVariable", [name, value]);
  }

  requestShutdown(byUser: string): Promise<void> {
    return this.#call("requestShutdown", [byUser]);
  }
}
