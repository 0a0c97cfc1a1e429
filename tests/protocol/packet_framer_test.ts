import assert from "node:assert/strict";
import { type FramedPacket, PacketFramer } from "../../protocol/packet_framer.ts";
import { PacketOutput } from "../../protocol/packet_writer.ts";
import { ProtocolError } from "../../protocol/protocol_error.ts";
import { concat, hex, toHex } from "./_hex.ts";

function drain(f: PacketFramer): FramedPacket[] {
  const out: FramedPacket[] = [];
  for (let p = f.next(); p; p = f.next()) out.push(p);
  return out;
}

function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === code);
}

Deno.test("PacketFramer returns many small packets from one chunk", () => {
  const f = new PacketFramer();
  f.push(hex("01 00 00 00 0e | 05 00 00 00 03 53 45 4c 31 | 00 00 00 07 | 02 00"));
  const got = drain(f);
  assert.deepEqual(got.map((p) => [p.sequenceId, toHex(p.payload)]), [
    [0, "0e"],
    [0, "03 53 45 4c 31"],
    [7, ""],
  ]);
  assert.ok(f.hasPartialPacket);
  assert.equal(f.bufferedBytes, 2);
  f.push(hex("00 03 aa bb"));
  assert.deepEqual(f.next(), { sequenceId: 3, payload: hex("aa bb") });
  assert.equal(f.next(), null);
  assert.ok(!f.hasPartialPacket);
});

Deno.test("PacketFramer assembles packets fed one byte at a time", () => {
  const stream = hex("03 00 00 00 61 62 63 | 01 00 00 01 64");
  const f = new PacketFramer();
  const got: FramedPacket[] = [];
  for (const b of stream) {
    f.push(Uint8Array.of(b));
    got.push(...drain(f));
  }
  assert.deepEqual(got, [
    { sequenceId: 0, payload: hex("61 62 63") },
    { sequenceId: 1, payload: hex("64") },
  ]);
  assert.ok(!f.hasPartialPacket);
});

Deno.test("PacketFramer reports a partial packet while a header or payload is incomplete", () => {
  const f = new PacketFramer();
  assert.ok(!f.hasPartialPacket);
  f.push(hex("05 00"));
  assert.equal(f.next(), null);
  assert.ok(f.hasPartialPacket);
  f.push(hex("00 00 01 02"));
  assert.equal(f.next(), null);
  assert.ok(f.hasPartialPacket);
  f.push(hex("03 04 05"));
  assert.deepEqual(f.next(), { sequenceId: 0, payload: hex("01 02 03 04 05") });
  assert.ok(!f.hasPartialPacket);
});

Deno.test("PacketFramer joins a 0xffffff frame and its empty continuation", () => {
  const out = new PacketOutput();
  out.sequenceId = 0;
  out.beginPacket();
  out.zeros(0xffffff);
  out.endPacket();
  out.packet(hex("0e"));
  const f = new PacketFramer();
  f.push(out.take());
  const [big, ping] = drain(f);
  assert.equal(big!.payload.length, 0xffffff);
  assert.equal(big!.sequenceId, 1, "sequence id of the last frame");
  assert.deepEqual(ping, { sequenceId: 2, payload: hex("0e") });
});

Deno.test("PacketFramer joins a 64 MiB packet arriving in 1 MiB pieces", () => {
  const size = 64 * 1024 * 1024;
  const payload = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) payload[i] = (i >> 12) & 0xff;
  payload[size - 1] = 0x5a;
  const out = new PacketOutput();
  out.packet(payload);
  const wire = out.take();
  const f = new PacketFramer();
  let got: FramedPacket | null = null;
  for (let o = 0; o < wire.length; o += 1 << 20) {
    assert.equal(got, null);
    f.push(wire.subarray(o, Math.min(o + (1 << 20), wire.length)));
    got = f.next();
  }
  assert.ok(got);
  assert.equal(got.sequenceId, 4);
  assert.equal(got.payload.length, size);
  for (let i = 0; i < size; i += 4093) assert.equal(got.payload[i], payload[i], `byte ${i}`);
  assert.equal(got.payload[size - 1], 0x5a);
  assert.ok(!f.hasPartialPacket);
});

Deno.test("PacketFramer rejects a packet over maxPacketSize from its header alone", () => {
  const f = new PacketFramer({ maxPacketSize: 1024 });
  f.push(hex("00 04 00 00 61")); // 1024 bytes: allowed
  assert.equal(f.next(), null);
  const g = new PacketFramer({ maxPacketSize: 1024 });
  g.push(hex("01 04 00 00")); // 1025 bytes announced, none sent
  rejects(() => g.next(), "too_large");
  rejects(() => g.next(), "too_large");
});

Deno.test("PacketFramer counts continuation frames toward maxPacketSize", () => {
  const f = new PacketFramer();
  f.maxPacketSize = 0xffffff + 10;
  f.push(hex("ff ff ff 00"));
  f.push(new Uint8Array(0xffffff));
  assert.equal(f.next(), null);
  f.push(hex("0b 00 00 01"));
  rejects(() => f.next(), "too_large");
});

Deno.test("PacketFramer rejects a continuation frame out of sequence", () => {
  const f = new PacketFramer();
  f.push(concat(hex("ff ff ff 00"), new Uint8Array(0xffffff), hex("00 00 00 05")));
  rejects(() => f.next(), "out_of_order");
});
