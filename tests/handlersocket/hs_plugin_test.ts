/**
 * HandlerSocket as a plugin: not loaded without plugin_load_add or INSTALL PLUGIN; INSTALL
 * PLUGIN at run time starts it and is remembered across a restart; UNINSTALL PLUGIN with
 * HandlerSocket connections open closes them, unregisters the threads and leaks nothing;
 * an option file with the original's loose_ names and plugin_load_add works.
 */

import assert from "node:assert/strict";
import { assertSqlError, connectMysql2 } from "../helpers/mysql2_client.ts";
import { freePort, makeTestDir, startServer } from "../helpers/server_process.ts";
import { HsClient } from "./_hs_client.ts";

type Row = Record<string, unknown>;

Deno.test({
  name: "handlersocket plugin: INSTALL and UNINSTALL at run time, remembered across restarts",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const rd = freePort();
  const dir = await makeTestDir("hs-plugin-");
  const datadir = `${dir}/data`;
  const options = [`--loose-handlersocket-port=${rd}`, "--loose-handlersocket-threads=2"];
  try {
    {
      await using srv = await startServer({ datadir, options });
      const sql = await connectMysql2(srv);
      try {
        // Not loaded: no listener, not in SHOW PLUGINS.
        await assert.rejects(HsClient.connect(rd));
        const [before] = await sql.query("SHOW PLUGINS");
        assert.ok(!(before as Row[]).some((r) => r.Name === "handlersocket"));
        await assertSqlError(sql.query("INSTALL PLUGIN handlersocket SONAME 'nosuch.so'"), {
          errno: 1126,
        });
        await assertSqlError(sql.query("UNINSTALL PLUGIN handlersocket"), { errno: 1305 });
        await sql.query("INSTALL PLUGIN handlersocket SONAME 'handlersocket.so'");
        await assertSqlError(sql.query("INSTALL PLUGIN handlersocket SONAME 'handlersocket.so'"), {
          errno: 1125,
        });
        const [after] = await sql.query("SHOW PLUGINS");
        assert.deepEqual((after as Row[]).find((r) => r.Name === "handlersocket"), {
          Name: "handlersocket",
          Status: "ACTIVE",
          Type: "DAEMON",
          Library: "handlersocket.so",
          License: "BSD",
        });
        await sql.query("CREATE DATABASE d");
        await sql.query("CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(10))");
        await sql.query("INSERT INTO d.t VALUES (1, 'one')");
        using a = await HsClient.connect(rd);
        assert.deepEqual(await a.ask("P\t1\td\tt\tPRIMARY\tid,v", "1\t=\t1\t1"), [
          "0\t1",
          "0\t2\t1\tone",
        ]);
      } finally {
        await sql.end();
      }
      assert.equal((await srv.stop()).code, 0);
    }
    {
      // Remembered: a restart without plugin_load_add starts it again.
      await using srv = await startServer({ datadir, options });
      const sql = await connectMysql2(srv);
      try {
        using a = await HsClient.connect(rd);
        assert.deepEqual(await a.ask("P\t1\td\tt\tPRIMARY\tid,v", "1\t=\t1\t1"), [
          "0\t1",
          "0\t2\t1\tone",
        ]);
        // UNINSTALL with a connection open: it is closed, the threads leave the registry.
        await sql.query("UNINSTALL PLUGIN handlersocket");
        assert.equal(await a.readLine(), null);
        const [list] = await sql.query("SHOW PROCESSLIST");
        assert.ok(!(list as Row[]).some((r) => r.Command === "Daemon"));
        await assert.rejects(HsClient.connect(rd));
      } finally {
        await sql.end();
      }
      const status = await srv.stop();
      assert.equal(status.code, 0);
      assert.doesNotMatch(await srv.logText(), /\[ERROR\]/);
    }
    {
      // Uninstalled is remembered too.
      await using srv = await startServer({ datadir, options });
      await assert.rejects(HsClient.connect(rd));
      assert.equal((await srv.stop()).code, 0);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "handlersocket plugin: an option file with loose_ names and plugin_load_add",
  sanitizeOps: true,
  sanitizeResources: true,
}, async () => {
  const rd = freePort();
  const wr = freePort();
  const dir = await makeTestDir("hs-cnf-");
  const cnf = `${dir}/my.cnf`;
  await Deno.writeTextFile(
    cnf,
    [
      "[mysqld]",
      "plugin_load_add = handlersocket.so",
      `loose_handlersocket_port = ${rd}`,
      `loose_handlersocket_port_wr = ${wr}`,
      "loose_handlersocket_threads = 16",
      "loose_handlersocket_threads_wr = 1",
      "",
    ].join("\n"),
  );
  try {
    await using srv = await startServer({ options: [`--defaults-extra-file=${cnf}`] });
    const sql = await connectMysql2(srv);
    try {
      const [vars] = await sql.query("SHOW VARIABLES LIKE 'handlersocket_port%'");
      assert.deepEqual(vars, [
        { Variable_name: "handlersocket_port", Value: String(rd) },
        { Variable_name: "handlersocket_port_wr", Value: String(wr) },
      ]);
      const [list] = await sql.query("SHOW PROCESSLIST");
      assert.equal((list as Row[]).filter((r) => r.Command === "Daemon").length, 17);
    } finally {
      await sql.end();
    }
    using w = await HsClient.connect(wr);
    assert.deepEqual(await w.ask("P\t1\tmysql\tnosuch\tPRIMARY\tx"), ["1\t1\topen_table"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
