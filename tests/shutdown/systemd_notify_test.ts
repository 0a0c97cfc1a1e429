/**
 * systemd Type=notify: the test binds the Unix datagram socket itself, as systemd does, and
 * starts the real server with `NOTIFY_SOCKET` pointing at it. The server sends `READY=1` once it
 * accepts connections (a client can connect when it arrives), then at SIGTERM `STOPPING=1`
 * naming the signal, `STATUS=` lines while it drains, and `STATUS=Shutdown complete`.
 */

import assert from "node:assert/strict";
import { connectMysql2 } from "../helpers/mysql2_client.ts";
import { startServer } from "../helpers/server_process.ts";

Deno.test({
  name: "systemd: READY=1 when accepting, STOPPING=1 and STATUS= lines at shutdown",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "mydeno-notify-test-" });
  const path = `${dir}/notify`;
  const socket = Deno.listenDatagram({ transport: "unixpacket", path });
  const messages: string[] = [];
  const received = (async () => {
    try {
      for (;;) {
        const [bytes] = await socket.receive();
        const text = new TextDecoder().decode(bytes);
        messages.push(text);
        if (text.includes("Shutdown complete")) return;
      }
    } catch {
      // the socket was closed: the server never finished
    }
  })();
  try {
    await using srv = await startServer({ env: { NOTIFY_SOCKET: path } });
    // The ready log line and READY=1 are sent together; wait for the datagram.
    for (let i = 0; i < 100 && messages.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const ready = messages.find((m) => m.includes("READY=1"));
    assert.ok(ready, `no READY=1 in ${JSON.stringify(messages)}`);
    assert.match(ready, /STATUS=Taking your SQL requests now/);
    assert.match(ready, /MAINPID=\d+/);
    const client = await connectMysql2(srv);
    client.on("error", () => {});
    await client.query("SELECT 1");
    const status = await srv.stop("SIGTERM");
    client.destroy();
    assert.equal(status.code, 0);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([received, new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
  } finally {
    socket.close();
    await received;
    await Deno.remove(dir, { recursive: true });
  }
  const text = messages.join("\n---\n");
  const order = ["STATUS=Starting", "READY=1", "STOPPING=1", "STATUS=Shutdown complete"]
    .map((m) => text.indexOf(m));
  assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), text);
  assert.match(text, /STOPPING=1\nSTATUS=Shutdown in progress \(initiated by: SIGTERM\)/);
  assert.match(text, /STATUS=Waiting for 1 sessions to end/);
});
