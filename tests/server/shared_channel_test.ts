/**
 * The shared byte ring between the main thread and a session worker: messages keep their kind,
 * argument, bytes and order across the wrap-around, and a message larger than the ring arrives
 * whole when the consumer drains while the producer writes. Both ends run on one thread here,
 * since the cases are about the ring's arithmetic, not about waking another thread (the server
 * tests cover that with real clients).
 */

import assert from "node:assert/strict";
import { SharedChannel, WRITE_DONE } from "../../server/session/shared_channel.ts";

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

Deno.test("shared channel: messages keep kind, arg, bytes and order across the wrap", () => {
  const producer = SharedChannel.create(4096);
  const consumer = new SharedChannel(producer.buffer);
  assert.equal(consumer.read(), null);
  for (let round = 0; round < 200; round++) {
    const sizes = [0, 1, 7, 8, 9, 100, 333];
    for (const [i, n] of sizes.entries()) {
      assert.equal(producer.write(i + 1, round & 0xff, bytes(n, round + i), 0), WRITE_DONE);
    }
    for (const [i, n] of sizes.entries()) {
      const body = consumer.read();
      assert.deepEqual(body, bytes(n, round + i));
      assert.equal(consumer.kind, i + 1);
      assert.equal(consumer.arg, round & 0xff);
    }
    assert.equal(consumer.read(), null);
  }
});

Deno.test("shared channel: a full ring refuses, then takes the rest once drained", () => {
  const producer = SharedChannel.create(4096);
  const consumer = new SharedChannel(producer.buffer);
  let written = 0;
  while (producer.write(2, 0, bytes(500, written), 0) === WRITE_DONE) written++;
  assert.ok(written >= 6 && written < 9, `wrote ${written} messages of 500 bytes into 4 KiB`);
  // A message without a body waits for space too.
  assert.equal(producer.write(3, 0, null, 0), 0);
  for (let i = 0; i < written; i++) assert.deepEqual(consumer.read(), bytes(500, i));
  assert.equal(producer.write(3, 0, null, 0), WRITE_DONE);
  assert.deepEqual(consumer.read(), new Uint8Array(0));
  assert.equal(consumer.kind, 3);
});

Deno.test("shared channel: a message larger than the ring arrives whole", () => {
  const producer = SharedChannel.create(4096);
  const consumer = new SharedChannel(producer.buffer);
  const big = bytes(100_000, 5);
  let offset = producer.write(1, 9, big, 0);
  let body: Uint8Array | null = null;
  while (body === null) {
    body = consumer.read();
    if (offset !== WRITE_DONE) offset = producer.write(1, 9, big, offset);
  }
  assert.equal(offset, WRITE_DONE);
  assert.deepEqual(body, big);
  assert.equal(consumer.arg, 9);
  assert.equal(consumer.read(), null);
});

Deno.test("shared channel: stop is seen by the other end", () => {
  const producer = SharedChannel.create(4096);
  const consumer = new SharedChannel(producer.buffer);
  assert.equal(consumer.stopped, false);
  producer.stop();
  assert.equal(consumer.stopped, true);
});

Deno.test("shared channel: readPart passes a large message on frame by frame", () => {
  const producer = SharedChannel.create(4096);
  const consumer = new SharedChannel(producer.buffer);
  const big = bytes(10_000, 3);
  const parts: Uint8Array[] = [];
  let offset = producer.write(2, 1, big, 0);
  for (;;) {
    const part = consumer.readPart();
    if (part !== null) {
      assert.equal(consumer.kind, 2);
      assert.equal(consumer.arg, 1);
      // Each frame is at most a quarter of the ring, so the consumer never holds the whole.
      assert.ok(part.length <= 1024, `a part of ${part.length} bytes`);
      parts.push(part);
      if (!consumer.more) break;
    }
    if (offset !== WRITE_DONE) offset = producer.write(2, 1, big, offset);
  }
  assert.ok(parts.length > 1);
  assert.deepEqual(new Uint8Array(parts.flatMap((p) => [...p])), big);
  // A one-frame message comes out whole, with `more` false.
  assert.equal(producer.write(3, 0, bytes(10, 1), 0), WRITE_DONE);
  assert.deepEqual(consumer.readPart(), bytes(10, 1));
  assert.equal(consumer.more, false);
  assert.equal(consumer.readPart(), null);
});
