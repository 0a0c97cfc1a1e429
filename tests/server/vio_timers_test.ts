/**
 * The VIOs' read timers: one timer per connection that arming moves instead of resetting, so a
 * connection that keeps talking is never cut and one that goes quiet is, about one timeout
 * after its last read (LineVio: handlersocket_timeout; Vio: wait_timeout and friends).
 */

import assert from "node:assert/strict";
import { LineVio } from "../../server/vio/line_vio.ts";
import { Vio } from "../../server/vio/vio.ts";
import { PacketFramer } from "../../protocol/packet_framer.ts";

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connected pair over loopback: [server side, client side]. */
async function pair(): Promise<[Deno.TcpConn, Deno.TcpConn]> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = await listener.accept();
  return [server, await client];
}

Deno.test("LineVio: requests more often than the idle timeout keep the line open", async () => {
  const [server, client] = await pair();
  const vio = new LineVio(server, { maxLine: 1000, idleTimeoutMs: 1500 });
  let answered = 0;
  const ended = vio.run((lines) => {
    const n = lines.filter((b) => b === 0x0a).length;
    answered += n;
    return Promise.resolve(encoder.encode("0\t1\n".repeat(n)));
  });
  const buf = new Uint8Array(64);
  // Forty requests 100 ms apart: over four seconds, more than two idle periods, with gaps far
  // below the timeout even on a loaded machine.
  for (let i = 0; i < 40; i++) {
    await client.write(encoder.encode("P\n"));
    assert.equal(await client.read(buf), 4, `answer ${i}`);
    await sleep(100);
  }
  assert.equal(answered, 40);
  // Then silence: the server closes the line on its own.
  assert.equal(await client.read(buf), null);
  assert.equal(await ended, "timeout");
  client.close();
});

Deno.test("Vio: re-arming the read timer moves it; disarming cancels it; close clears it", async () => {
  const [server, client] = await pair();
  const vio = new Vio(server, new PacketFramer({ maxPacketSize: 1 << 20 }));
  let fired = 0;
  let end = "";
  vio.start({ onPacket: () => {}, onEnd: (reason) => end = reason });
  // Re-armed every 50 ms with 600 ms, for over a second and a half: never fires.
  for (let i = 0; i < 30; i++) {
    vio.armReadTimeout(600, () => fired++);
    await sleep(50);
  }
  assert.equal(fired, 0);
  // Disarmed: the pending timer finds nothing to do.
  vio.disarmReadTimeout();
  await sleep(800);
  assert.equal(fired, 0);
  // A shorter deadline than the pending timer's takes effect.
  vio.armReadTimeout(10_000, () => fired++);
  vio.armReadTimeout(50, () => vio.close());
  const buf = new Uint8Array(8);
  assert.equal(await client.read(buf), null);
  assert.equal(fired, 0);
  await sleep(0);
  assert.equal(end, "closed");
  client.close();
});
