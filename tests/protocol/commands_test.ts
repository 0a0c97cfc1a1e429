import assert from "node:assert/strict";
import {
  decodeChangeUser,
  decodeFieldList,
  decodeInitDb,
  decodeProcessKill,
  decodeQuery,
  decodeSetOption,
  decodeStmtClose,
  decodeStmtFetch,
  decodeStmtPrepare,
  decodeStmtReset,
  decodeStmtSendLongData,
} from "../../protocol/commands.ts";
import {
  CLIENT_CONNECT_ATTRS,
  CLIENT_PLUGIN_AUTH,
  CLIENT_PROTOCOL_41,
  CLIENT_SECURE_CONNECTION,
} from "../../protocol/constants.ts";
import { ProtocolError } from "../../protocol/protocol_error.ts";
import { hex, toHex } from "./_hex.ts";

function rejects(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolError && e.code === code);
}

Deno.test("text commands: COM_INIT_DB, COM_QUERY, COM_STMT_PREPARE read the rest as UTF-8", () => {
  assert.equal(decodeInitDb(hex("02 74 65 73 74")), "test");
  assert.equal(decodeQuery(hex("03 53 45 4c 45 43 54 20 27 c3 a9 27")), "SELECT 'é'");
  assert.equal(decodeQuery(hex("03")), "");
  assert.equal(decodeStmtPrepare(hex("16 53 45 4c 45 43 54 20 3f")), "SELECT ?");
});

Deno.test("COM_FIELD_LIST: table NUL then wildcard", () => {
  assert.deepEqual(decodeFieldList(hex("04 74 31 00 69 25")), { table: "t1", wildcard: "i%" });
  assert.deepEqual(decodeFieldList(hex("04 74 31 00")), { table: "t1", wildcard: "" });
  assert.deepEqual(decodeFieldList(hex("04 74 31")), { table: "t1", wildcard: "" });
});

Deno.test("fixed-width commands: KILL, SET_OPTION, STMT_CLOSE/RESET/FETCH", () => {
  assert.equal(decodeProcessKill(hex("0c 2a 00 00 00")), 42);
  assert.equal(decodeSetOption(hex("1b 01 00")), 1);
  assert.equal(decodeStmtClose(hex("19 05 00 00 00")), 5);
  assert.equal(decodeStmtReset(hex("1a 06 00 00 00")), 6);
  assert.deepEqual(decodeStmtFetch(hex("1c 07 00 00 00 e8 03 00 00")), {
    statementId: 7,
    numRows: 1000,
  });
  rejects(() => decodeProcessKill(hex("0c 2a 00 00")), "truncated");
  rejects(() => decodeSetOption(hex("1b 01")), "truncated");
  rejects(() => decodeStmtClose(hex("19")), "truncated");
  rejects(() => decodeStmtReset(hex("1a 06 00")), "truncated");
  rejects(() => decodeStmtFetch(hex("1c 07 00 00 00 e8 03 00")), "truncated");
});

Deno.test("COM_STMT_SEND_LONG_DATA: statement, parameter, data rest", () => {
  const d = decodeStmtSendLongData(hex("18 03 00 00 00 01 00 aa bb cc"));
  assert.equal(d.statementId, 3);
  assert.equal(d.paramId, 1);
  assert.equal(toHex(d.data), "aa bb cc");
  assert.equal(decodeStmtSendLongData(hex("18 03 00 00 00 01 00")).data.length, 0);
  rejects(() => decodeStmtSendLongData(hex("18 03 00 00 00 01")), "truncated");
});

Deno.test("COM_CHANGE_USER with every field", () => {
  const caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH |
    CLIENT_CONNECT_ATTRS;
  const c = decodeChangeUser(
    hex(`11 62 6f 62 00 | 02 aa bb | 64 62 00 | 2d 00 | 70 00 | 04 01 6b 01 76`),
    caps,
  );
  assert.equal(c.username, "bob");
  assert.equal(toHex(c.authResponse), "aa bb");
  assert.equal(c.database, "db");
  assert.equal(c.characterSet, 45);
  assert.equal(c.authPluginName, "p");
  assert.deepEqual([...c.attributes], [["k", "v"]]);
});

Deno.test("COM_CHANGE_USER tolerates missing trailing fields; NUL auth without SECURE_CONNECTION", () => {
  const caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
  const short = decodeChangeUser(hex("11 62 6f 62 00 00 00"), caps);
  assert.deepEqual(
    { ...short, authResponse: toHex(short.authResponse), attributes: short.attributes.size },
    {
      username: "bob",
      authResponse: "",
      database: "",
      characterSet: null,
      authPluginName: null,
      attributes: 0,
    },
  );
  assert.equal(decodeChangeUser(hex("11 62"), caps).username, "b");
  const old = decodeChangeUser(hex("11 75 00 61 62 00 64 00"), CLIENT_PROTOCOL_41);
  assert.equal(toHex(old.authResponse), "61 62");
  assert.equal(old.database, "d");
  rejects(() => decodeChangeUser(hex("11 75 00 05 aa"), caps), "truncated");
  rejects(
    () => decodeChangeUser(hex("11 75 00 00 00 2d 00 70 00 09 01"), caps | CLIENT_CONNECT_ATTRS),
    "truncated",
  );
});
