import assert from "node:assert/strict";
import { PacketReader } from "../../protocol/packet_reader.ts";
import { ProtocolError } from "../../protocol/protocol_error.ts";
import { hex } from "./_hex.ts";

function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === code);
}

Deno.test("PacketReader reads fixed-width little-endian integers", () => {
  const r = new PacketReader(hex("ab 34 12 56 34 12 ef be ad de 05 04 03 02 01 00 00 00"));
  assert.equal(r.int1(), 0xab);
  assert.equal(r.int2(), 0x1234);
  assert.equal(r.int3(), 0x123456);
  assert.equal(r.int4(), 0xdeadbeef);
  assert.equal(r.int8(), 0x0102030405);
  assert.ok(r.atEnd);
  assert.equal(new PacketReader(hex("ff ff ff ff ff ff ff ff")).int8(), 2n ** 64n - 1n);
  assert.equal(new PacketReader(hex("ff ff ff ff ff ff 1f 00")).int8(), Number.MAX_SAFE_INTEGER);
  assert.equal(new PacketReader(hex("00 00 00 00 00 00 20 00")).int8(), 2n ** 53n);
  assert.equal(new PacketReader(hex("fe ff ff ff ff ff ff ff")).int8Signed(), -2);
  assert.equal(new PacketReader(hex("00 00 00 00 00 00 00 80")).int8Signed(), -(2n ** 63n));
  assert.equal(new PacketReader(hex("00 00 c0 3f")).float4(), 1.5);
  assert.equal(new PacketReader(hex("00 00 00 00 00 00 00 c0")).float8(), -2);
});

Deno.test("PacketReader reads lenenc integers at each boundary", () => {
  const cases: [string, number | bigint][] = [
    ["00", 0],
    ["fa", 250],
    ["fc fb 00", 251],
    ["fc ff ff", 0xffff],
    ["fd 00 00 01", 0x10000],
    ["fd ff ff ff", 0xffffff],
    ["fe 00 00 00 01 00 00 00 00", 0x1000000],
    ["fe ff ff ff ff ff ff ff ff", 2n ** 64n - 1n],
  ];
  for (const [bytes, v] of cases) {
    const r = new PacketReader(hex(bytes));
    assert.equal(r.lenencInt(), v, bytes);
    assert.ok(r.atEnd);
  }
  assert.equal(new PacketReader(hex("fb")).lenencIntOrNull(), null);
  rejects(() => new PacketReader(hex("fb")).lenencInt(), "malformed");
  rejects(() => new PacketReader(hex("ff")).lenencInt(), "malformed");
  rejects(() => new PacketReader(hex("fe ff ff ff ff ff ff ff ff")).lenencLength(), "malformed");
});

Deno.test("PacketReader reads strings as lenenc, NUL-terminated and rest", () => {
  const r = new PacketReader(hex("03 64 65 66 | 05 c3 a9 e2 82 ac | 61 62 00 | 00 | 68 c3 a9"));
  assert.equal(r.lenencString(), "def");
  assert.equal(r.lenencString(), "é€");
  assert.equal(r.nulString(), "ab");
  assert.equal(r.nulString(), "");
  assert.equal(r.restString(), "hé");
  assert.equal(r.restString(), "");
  const t = new PacketReader(hex("61 62 | 63"));
  assert.deepEqual(t.bytes(2), hex("61 62"));
  assert.equal(t.fixedString(1), "c");
  assert.equal(new PacketReader(hex("61 62")).nulStringOrRest(), "ab");
  const long = new Uint8Array(40).fill(0x7a);
  assert.equal(new PacketReader(long).restString(), "z".repeat(40));
});

Deno.test("PacketReader throws truncated instead of reading past the end", () => {
  rejects(() => new PacketReader(hex("")).int1(), "truncated");
  rejects(() => new PacketReader(hex("01")).int2(), "truncated");
  rejects(() => new PacketReader(hex("01 02")).int3(), "truncated");
  rejects(() => new PacketReader(hex("01 02 03")).int4(), "truncated");
  rejects(() => new PacketReader(hex("01 02 03 04 05 06 07")).int8(), "truncated");
  rejects(() => new PacketReader(hex("01 02 03 04 05 06 07")).int8Signed(), "truncated");
  rejects(() => new PacketReader(hex("01 02 03")).float4(), "truncated");
  rejects(() => new PacketReader(hex("01 02 03")).float8(), "truncated");
  rejects(() => new PacketReader(hex("fc 01")).lenencInt(), "truncated");
  rejects(() => new PacketReader(hex("fd 01 02")).lenencInt(), "truncated");
  rejects(() => new PacketReader(hex("fe 01 02 03")).lenencInt(), "truncated");
  rejects(() => new PacketReader(hex("03 61 62")).lenencString(), "truncated");
  rejects(() => new PacketReader(hex("61 62")).nulString(), "truncated");
  rejects(() => new PacketReader(hex("61")).bytes(2), "truncated");
  rejects(() => new PacketReader(hex("61")).skip(2), "truncated");
  rejects(() => new PacketReader(hex("")).peekInt1(), "truncated");
  const r = new PacketReader(hex("01 02 03"));
  r.skip(1);
  assert.equal(r.remaining, 2);
  rejects(() => r.int4(), "truncated");
  assert.equal(r.position, 1, "a failed read does not move the cursor");
});

Deno.test("PacketReader respects the view's offset into a larger buffer", () => {
  const base = hex("ff ff 34 12 ff");
  const r = new PacketReader(base.subarray(2, 4));
  assert.equal(r.int2(), 0x1234);
  rejects(() => r.int1(), "truncated");
});
