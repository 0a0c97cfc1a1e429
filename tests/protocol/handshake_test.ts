import assert from "node:assert/strict";
import { nativePasswordHash, verifyNativePassword } from "../../protocol/auth.ts";
import {
  CLIENT_CONNECT_ATTRS,
  CLIENT_CONNECT_WITH_DB,
  CLIENT_DEPRECATE_EOF,
  CLIENT_LONG_PASSWORD,
  CLIENT_PLUGIN_AUTH,
  CLIENT_PROTOCOL_41,
  CLIENT_SECURE_CONNECTION,
  CLIENT_SSL,
} from "../../protocol/constants.ts";
import {
  decodeHandshakeResponse41,
  encodeAuthMoreData,
  encodeAuthSwitchRequest,
  encodeHandshakeV10,
  isSslRequest,
  writeAuthMoreData,
  writeAuthSwitchRequest,
  writeHandshakeV10,
} from "../../protocol/handshake.ts";
import { PacketOutput } from "../../protocol/packet_writer.ts";
import { ProtocolError } from "../../protocol/protocol_error.ts";
import { hex, toHex, utf8 } from "./_hex.ts";

const SCRAMBLE = utf8("abcdefghijklmnopqrst");
const NATIVE = "6d 79 73 71 6c 5f 6e 61 74 69 76 65 5f 70 61 73 73 77 6f 72 64 00"; // plugin name
const FILLER_23 = "00".repeat(23);

function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === code);
}

Deno.test("encodeHandshakeV10 lays out Protocol::HandshakeV10", () => {
  const options = {
    connectionId: 7,
    serverVersion: "8.0.36",
    scramble: SCRAMBLE,
    capabilities: CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION |
      CLIENT_PLUGIN_AUTH | CLIENT_DEPRECATE_EOF, // 0x01088201
    characterSet: 45,
    statusFlags: 2,
    authPluginName: "mysql_native_password",
  };
  const expected = hex(`
    0a                                   # protocol version
    38 2e 30 2e 33 36 00                 # "8.0.36"
    07 00 00 00                          # connection id
    61 62 63 64 65 66 67 68              # auth-plugin-data part 1
    00                                   # filler
    01 82                                # capabilities low
    2d                                   # charset 45
    02 00                                # status
    08 01                                # capabilities high
    15                                   # auth-plugin-data length 21
    00 00 00 00 00 00 00 00 00 00        # reserved
    69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 00   # part 2 + NUL
    ${NATIVE}`);
  assert.equal(toHex(encodeHandshakeV10(options)), toHex(expected));
  const out = new PacketOutput();
  writeHandshakeV10(out, options);
  const framed = out.take();
  assert.equal(toHex(framed.subarray(0, 4)), `${expected.length.toString(16)} 00 00 00`);
  assert.equal(toHex(framed.subarray(4)), toHex(expected));
  assert.throws(() => encodeHandshakeV10({ ...options, scramble: new Uint8Array(8) }), RangeError);
});

// Captured from the real `mariadb` client (libmariadb 3.3.20) answering a handshake with the
// scramble "abcdefghijklmnopqrst": mariadb -ubob -psecret -Dshop.
const MARIADB_RESPONSE = hex(
  "8da2bf0000001000210000000000000000000000000000000000000000000000626f6200148817c50fa779daef" +
    "010ee7577825b0847df9842e73686f70006d7973716c5f6e61746976655f70617373776f7264007e035f6f" +
    "73054c696e75780c5f636c69656e745f6e616d650a6c69626d617269616462045f70696404383438390f5f" +
    "636c69656e745f76657273696f6e06332e332e3230095f706c6174666f726d067838365f36340c70726f67" +
    "72616d5f6e616d65056d7973716c0c5f7365727665725f686f7374093132372e302e302e31",
);

Deno.test("decodeHandshakeResponse41 reads a real mariadb client response", () => {
  const r = decodeHandshakeResponse41(MARIADB_RESPONSE);
  assert.equal(r.capabilities, 0x00bfa28d);
  assert.equal(r.maxPacketSize, 0x100000);
  assert.equal(r.characterSet, 33);
  assert.equal(r.username, "bob");
  assert.equal(toHex(r.authResponse), toHex(hex("8817c50fa779daef010ee7577825b0847df9842e")));
  assert.equal(r.database, "shop");
  assert.equal(r.authPluginName, "mysql_native_password");
  assert.deepEqual([...r.attributes], [
    ["_os", "Linux"],
    ["_client_name", "libmariadb"],
    ["_pid", "8489"],
    ["_client_version", "3.3.20"],
    ["_platform", "x86_64"],
    ["program_name", "mysql"],
    ["_server_host", "127.0.0.1"],
  ]);
  assert.ok(verifyNativePassword(SCRAMBLE, r.authResponse, nativePasswordHash("secret")));
  assert.ok(!verifyNativePassword(SCRAMBLE, r.authResponse, nativePasswordHash("Secret")));
});

Deno.test("decodeHandshakeResponse41 reads a 1-byte-length auth response and attributes", () => {
  const caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_CONNECT_WITH_DB |
    CLIENT_PLUGIN_AUTH | CLIENT_CONNECT_ATTRS; // 0x00188208
  const r = decodeHandshakeResponse41(hex(`
    08 82 18 00 | 00 00 00 01 | ff | ${FILLER_23}
    75 00 | 02 aa bb | 64 62 00 | 70 00 | 06 01 6b 03 76 c3 a9`));
  assert.equal(r.capabilities, caps);
  assert.equal(r.maxPacketSize, 0x01000000);
  assert.equal(r.characterSet, 255);
  assert.equal(r.username, "u");
  assert.equal(toHex(r.authResponse), "aa bb");
  assert.equal(r.database, "db");
  assert.equal(r.authPluginName, "p");
  assert.deepEqual([...r.attributes], [["k", "vé"]]);
});

Deno.test("decodeHandshakeResponse41 reads a NUL-terminated auth response and tolerates missing fields", () => {
  // CLIENT_PROTOCOL_41 | CLIENT_CONNECT_WITH_DB | CLIENT_PLUGIN_AUTH, packet ends after the auth.
  const r = decodeHandshakeResponse41(
    hex(`08 02 08 00 | 00 00 00 00 | 21 | ${FILLER_23} 75 00 | 61 62 00`),
  );
  assert.equal(toHex(r.authResponse), "61 62");
  assert.equal(r.database, null);
  assert.equal(r.authPluginName, null);
  assert.equal(r.attributes.size, 0);
  // Nothing after the filler at all; plugin name without its NUL.
  const bare = decodeHandshakeResponse41(hex(`00 02 00 00 | 00 00 00 00 | 21 | ${FILLER_23}`));
  assert.equal(bare.username, "");
  assert.equal(bare.authResponse.length, 0);
  const noNul = decodeHandshakeResponse41(
    hex(`00 82 08 00 00 00 00 00 21 ${FILLER_23} 75 00 00 70 71`),
  );
  assert.equal(noNul.authPluginName, "pq");
});

Deno.test("decodeHandshakeResponse41 tells SSLRequest and pre-4.1 clients apart", () => {
  const ssl = hex(`00 8a 00 00 | 00 00 00 01 | 21 | ${FILLER_23}`);
  assert.equal(ssl.length, 32);
  assert.ok(isSslRequest(ssl));
  assert.equal(CLIENT_SSL, 0x800);
  rejects(() => decodeHandshakeResponse41(ssl), "ssl_request");
  // HandshakeResponse320: int<2> flags without CLIENT_PROTOCOL_41, int<3> max packet, user NUL.
  rejects(() => decodeHandshakeResponse41(hex("05 00 ff ff ff 62 6f 62 00")), "pre41_client");
});

Deno.test("decodeHandshakeResponse41 throws truncated on cut input", () => {
  const full = hex(
    `08 82 18 00 00 00 00 01 21 ${FILLER_23} 75 00 02 aa bb 64 62 00 70 00 04 01 6b 01 76`,
  );
  assert.equal(decodeHandshakeResponse41(full).attributes.get("k"), "v");
  for (const len of [0, 3, 8, 31]) {
    rejects(() => decodeHandshakeResponse41(full.subarray(0, len)), "truncated");
  }
  rejects(() => decodeHandshakeResponse41(full.subarray(0, 35)), "truncated"); // auth cut
  rejects(() => decodeHandshakeResponse41(full.subarray(0, full.length - 1)), "truncated"); // attrs
});

Deno.test("encodeAuthSwitchRequest appends the scramble and its NUL", () => {
  const expected = `fe ${NATIVE} ${toHex(SCRAMBLE)} 00`;
  assert.equal(toHex(encodeAuthSwitchRequest("mysql_native_password", SCRAMBLE)), expected);
  const out = new PacketOutput();
  out.sequenceId = 2;
  writeAuthSwitchRequest(out, "mysql_native_password", SCRAMBLE);
  assert.equal(toHex(out.take()), `2c 00 00 02 ${expected}`);
});

Deno.test("encodeAuthMoreData prefixes 0x01 (caching_sha2 fast auth success is 01 03)", () => {
  assert.equal(toHex(encodeAuthMoreData(Uint8Array.of(0x03))), "01 03");
  const out = new PacketOutput();
  out.sequenceId = 4;
  writeAuthMoreData(out, Uint8Array.of(0x04));
  assert.equal(toHex(out.take()), "02 00 00 04 01 04");
});
