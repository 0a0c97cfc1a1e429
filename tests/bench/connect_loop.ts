/** Connect, `SELECT 1`, disconnect in a bounded loop with npm mysql2; reports connections/s. */

import mysql from "mysql2/promise";
import type { ServerProcess } from "../helpers/server_process.ts";

/** Bounds of {@linkcode connectLoop}. */
export interface ConnectLoopOptions {
  seconds: number;
  maxIterations: number;
}

/** Runs the loop until the time or iteration bound; returns completed cycles per second. */
export async function connectLoop(srv: ServerProcess, opts: ConnectLoopOptions): Promise<number> {
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  let done = 0;
  while (done < opts.maxIterations && performance.now() < deadline) {
    const conn = await mysql.createConnection({ host: srv.host, port: srv.port, user: "root" });
    await conn.query("SELECT 1");
    await conn.end();
    done++;
  }
  return done / ((performance.now() - started) / 1000);
}
