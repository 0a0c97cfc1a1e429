import { Server } from "./server/server.ts";
import { configureErrorLog } from "./server/log/error_log.ts";
configureErrorLog();
const server = await Server.start({ datadir: "/tmp/x", bindAddress: "127.0.0.1", port: 34517, socket: "/tmp/mydeno-smoke.sock", globals: { max_allowed_packet: 1048576 } });
Deno.addSignalListener("SIGTERM", async () => { await server.close(); Deno.exit(0); });
await server.shutdownRequested;
