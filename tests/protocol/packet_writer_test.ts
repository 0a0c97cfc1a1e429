import assert from "node:assert/strict";
import { lenencIntSize, PacketOutput, PacketWriter } from "../../protocol/packet_writer.ts";
import { hex, toHex } from "./_hex.ts";

function written(fn: (w: PacketWriter) => void): string {
  const w = new PacketWriter(4);
  fn(w);
  return toHex(w.take());
}

Deno.test("PacketWriter writes fixed-width little-endian integers", () => {
  assert.equal(written((w) => w.int1(0xab)), "ab");
  assert.equal(written((w) => w.int2(0x1234)), "34 12");
  assert.equal(written((w) => w.int3(0x123456)), "56 34 12");
  assert.equal(written((w) => w.int4(0xdeadbeef)), "ef be ad de");
  assert.equal(written((w) => w.int4(-1)), "ff ff ff ff");
  assert.equal(written((w) => w.int8(0x0102030405)), "05 04 03 02 01 00 00 00");
  assert.equal(written((w) => w.int8(2n ** 64n - 1n)), "ff ff ff ff ff ff ff ff");
  assert.equal(written((w) => w.int8(-2)), "fe ff ff ff ff ff ff ff");
  assert.equal(written((w) => w.int8(Number.MAX_SAFE_INTEGER)), "ff ff ff ff ff ff 1f 00");
  assert.equal(written((w) => w.float4(1.5)), "00 00 c0 3f");
  assert.equal(written((w) => w.float8(-2)), "00 00 00 00 00 00 00 c0");
});

Deno.test("PacketWriter lenencInt picks the form at each boundary", () => {
  const cases: [number | bigint, string][] = [
    [0, "00"],
    [250, "fa"],
    [251, "fc fb 00"],
    [0xffff, "fc ff ff"],
    [0x10000, "fd 00 00 01"],
    [0xffffff, "fd ff ff ff"],
    [0x1000000, "fe 00 00 00 01 00 00 00 00"],
    [2n ** 64n - 1n, "fe ff ff ff ff ff ff ff ff"],
    [9007199254740993n, "fe 01 00 00 00 00 00 20 00"],
  ];
  for (const [v, bytes] of cases) {
    assert.equal(written((w) => w.lenencInt(v)), bytes, `value ${v}`);
    assert.equal(lenencIntSize(v), hex(bytes).length, `size of ${v}`);
  }
  assert.equal(written((w) => w.lenencNull()), "fb");
  assert.throws(() => new PacketWriter().lenencInt(-1), RangeError);
});

Deno.test("PacketWriter writes strings as lenenc, NUL-terminated and raw UTF-8", () => {
  assert.equal(written((w) => w.lenencString("")), "00");
  assert.equal(written((w) => w.lenencString("def")), "03 64 65 66");
  assert.equal(written((w) => w.lenencString("é€")), "05 c3 a9 e2 82 ac");
  assert.equal(written((w) => w.lenencString("a😀")), "05 61 f0 9f 98 80");
  assert.equal(written((w) => w.nulString("ab")), "61 62 00");
  assert.equal(written((w) => w.nulString("")), "00");
  assert.equal(written((w) => w.string("hé")), "68 c3 a9");
  assert.equal(written((w) => w.lenencBytes(hex("00 ff"))), "02 00 ff");
  assert.equal(written((w) => w.zeros(3)), "00 00 00");
});

Deno.test("PacketWriter lenencString shrinks its reserved prefix for long strings", () => {
  // 100 ASCII chars reserve a 3-byte prefix (300 bytes worst case) but need a 1-byte one.
  const w = new PacketWriter(4);
  w.lenencString("x".repeat(100));
  const b = w.take();
  assert.equal(b.length, 101);
  assert.equal(b[0], 100);
  assert.equal(b[100], 0x78);
  // 251 bytes: the 0xfc form.
  w.lenencString("y".repeat(251));
  assert.equal(toHex(w.take().subarray(0, 4)), "fc fb 00 79");
  // 0x10000 multi-byte: 0x8000 × "é" (2 bytes each) = 0x10000 bytes → 0xfd form.
  w.lenencString("é".repeat(0x8000));
  const big = w.take();
  assert.equal(big.length, 4 + 0x10000);
  assert.equal(toHex(big.subarray(0, 6)), "fd 00 00 01 c3 a9");
});

Deno.test("PacketWriter take returns a stable copy and starts empty", () => {
  const w = new PacketWriter(2);
  w.int4(1);
  const first = w.take();
  w.int4(2);
  assert.equal(toHex(first), "01 00 00 00");
  assert.equal(toHex(w.take()), "02 00 00 00");
  assert.equal(w.length, 0);
  const big = new Uint8Array(100_000).fill(7);
  w.bytes(big);
  const out = w.take();
  w.int1(9);
  assert.equal(out.length, 100_000);
  assert.equal(out[0], 7);
});

Deno.test("PacketOutput frames packets with consecutive sequence ids", () => {
  const out = new PacketOutput();
  out.sequenceId = 1;
  out.packet(hex("0a 0b"));
  out.beginPacket();
  out.int1(0xfe);
  out.endPacket();
  assert.equal(out.sequenceId, 3);
  assert.equal(toHex(out.take()), "02 00 00 01 0a 0b 01 00 00 02 fe");
});

Deno.test("PacketOutput wraps the sequence id after 255", () => {
  const out = new PacketOutput();
  out.sequenceId = 255;
  out.packet(new Uint8Array(0));
  out.packet(new Uint8Array(0));
  assert.equal(toHex(out.take()), "00 00 00 ff 00 00 00 00");
  assert.equal(out.sequenceId, 1);
});

Deno.test("PacketOutput splits a payload of exactly 0xffffff bytes into a full and an empty frame", () => {
  const out = new PacketOutput();
  out.beginPacket();
  out.zeros(0xffffff);
  out.endPacket();
  const b = out.take();
  assert.equal(b.length, 4 + 0xffffff + 4);
  assert.equal(toHex(b.subarray(0, 4)), "ff ff ff 00");
  assert.equal(toHex(b.subarray(4 + 0xffffff)), "00 00 00 01");
  assert.equal(out.sequenceId, 2);
});

Deno.test("PacketOutput splits 2 * 0xffffff + 2 bytes into three frames, data in order", () => {
  const size = 2 * 0xffffff + 2;
  const payload = new Uint8Array(size);
  for (let i = 0; i < size; i++) payload[i] = i % 251;
  const out = new PacketOutput();
  out.sequenceId = 5;
  out.packet(payload);
  out.packet(hex("aa"));
  const b = out.take();
  assert.equal(b.length, size + 4 * 3 + 5);
  assert.equal(toHex(b.subarray(0, 4)), "ff ff ff 05");
  const h2 = 4 + 0xffffff;
  assert.equal(toHex(b.subarray(h2, h2 + 4)), "ff ff ff 06");
  const h3 = h2 + 4 + 0xffffff;
  assert.equal(toHex(b.subarray(h3, h3 + 4)), "02 00 00 07");
  assert.deepEqual(b.subarray(4, h2), payload.subarray(0, 0xffffff));
  assert.deepEqual(b.subarray(h2 + 4, h3), payload.subarray(0xffffff, 2 * 0xffffff));
  assert.deepEqual(b.subarray(h3 + 4, h3 + 6), payload.subarray(2 * 0xffffff));
  assert.equal(toHex(b.subarray(h3 + 6)), "01 00 00 08 aa");
});

Deno.test("PacketOutput rejects misuse and can drop an open packet", () => {
  const out = new PacketOutput();
  assert.throws(() => out.endPacket(), /no packet begun/);
  out.packet(hex("01"));
  out.beginPacket();
  out.int4(7);
  assert.throws(() => out.beginPacket(), /not ended/);
  assert.throws(() => out.take(), /not ended/);
  out.abortPacket();
  assert.equal(out.sequenceId, 1);
  assert.equal(toHex(out.take()), "01 00 00 00 01");
});

Deno.test("takeView returns the framed bytes without copying and starts empty", () => {
  const out = new PacketOutput();
  out.packet(hex("0e"));
  const view = out.takeView();
  assert.equal(toHex(view), "01 00 00 00 0e");
  assert.equal(out.length, 0);
  out.packet(hex("0f"));
  assert.equal(toHex(view), "01 00 00 01 0f", "the view is reused by the next write");
  out.beginPacket();
  assert.throws(() => out.takeView(), /not ended/);
});
