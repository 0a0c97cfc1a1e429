/**
 * Our encoders against bytes a real server sent: MariaDB 11 answering
 * `select id, name, d, f, dt, tm, dd, big from test.t order by id` over COM_QUERY and
 * COM_STMT_EXECUTE to a client with CLIENT_DEPRECATE_EOF. Table:
 * (id int unsigned not null primary key auto_increment, name varchar(20), d double, f float,
 * dt datetime(6), tm time, dd date, big bigint).
 */

import assert from "node:assert/strict";
import { writeBinaryResultSet } from "../../protocol/binary_protocol.ts";
import { PacketFramer } from "../../protocol/packet_framer.ts";
import { PacketOutput } from "../../protocol/packet_writer.ts";
import {
  type ColumnDefinition41,
  type RowValue,
  writeTextResultSet,
} from "../../protocol/resultset.ts";
import { toHex } from "./_hex.ts";

function column(
  name: string,
  charset: number,
  length: number,
  type: number,
  flags: number,
  decimals: number,
) {
  return {
    db: "test",
    table: "t",
    orgTable: "t",
    name,
    orgName: name,
    charset,
    length,
    type,
    flags,
    decimals,
  };
}

const COLUMNS: ColumnDefinition41[] = [
  column("id", 63, 10, 0x03, 0x4223, 0),
  column("name", 45, 80, 0xfd, 0, 0),
  column("d", 63, 22, 0x05, 0, 31),
  column("f", 63, 12, 0x04, 0, 31),
  column("dt", 63, 26, 0x0c, 0x80, 6),
  column("tm", 63, 10, 0x0b, 0x80, 0),
  column("dd", 63, 10, 0x0a, 0x80, 0),
  column("big", 63, 20, 0x08, 0, 0),
];

const ROWS: RowValue[][] = [
  [1, "é", 1e20, Math.fround(3.14), "2024-02-29 13:45:59.123456", "-26:03:04", "2024-01-02", -5],
  [
    2,
    null,
    0.1,
    null,
    "2024-01-02 00:00:00.000000",
    "00:00:00",
    "0000-00-00",
    4611686018427387903n,
  ],
];

const METADATA = [
  "08",
  "036465660474657374017401740269640269640c3f000a000000032342000000",
  "03646566047465737401740174046e616d65046e616d650c2d0050000000fd0000000000",
  "03646566047465737401740174016401640c3f00160000000500001f0000",
  "03646566047465737401740174016601660c3f000c0000000400001f0000",
  "036465660474657374017401740264740264740c3f001a0000000c8000060000",
  "0364656604746573740174017402746d02746d0c3f000a0000000b8000000000",
  "036465660474657374017401740264640264640c3f000a0000000a8000000000",
  "0364656604746573740174017403626967036269670c3f0014000000080000000000",
];

const TEXT_ROWS = [
  "013102c3a9043165323004332e31341a323032342d30322d32392031333a34353a35392e313233343536092d32363a30" +
  "333a30340a323032342d30312d3032022d35",
  "0132fb03302e31fb1a323032342d30312d30322030303a30303a30302e3030303030300830303a30303a30300a3030" +
  "30302d30302d30301334363131363836303138343237333837393033",
];

const BINARY_ROWS = [
  "0000000100000002c3a9408cb5781daf1544c3f548400be807021d0d2d3b40e2010008010100000002030404e8070102" +
  "fbffffffffffffff",
  "002800020000009a9999999999b93f04e80701020000ffffffffffffff3f",
];

const END = "fe000022000000";

function payloads(out: PacketOutput): string[] {
  const framer = new PacketFramer();
  framer.push(out.take());
  const list: string[] = [];
  for (let p = framer.next(); p; p = framer.next()) list.push(toHex(p.payload).replaceAll(" ", ""));
  return list;
}

Deno.test("writeTextResultSet matches MariaDB's text result set byte for byte", () => {
  const out = new PacketOutput();
  out.sequenceId = 1;
  writeTextResultSet(out, { columns: COLUMNS, rows: ROWS }, {
    statusFlags: 0x22,
    deprecateEof: true,
  });
  assert.deepEqual(payloads(out), [...METADATA, ...TEXT_ROWS, END]);
});

Deno.test("writeBinaryResultSet matches MariaDB's binary result set byte for byte", () => {
  const out = new PacketOutput();
  out.sequenceId = 1;
  writeBinaryResultSet(out, { columns: COLUMNS, rows: ROWS }, {
    statusFlags: 0x22,
    deprecateEof: true,
  });
  assert.deepEqual(payloads(out), [...METADATA, ...BINARY_ROWS, END]);
});
