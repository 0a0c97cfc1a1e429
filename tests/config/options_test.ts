import assert from "node:assert/strict";
import {
  ConfigError,
  helpText,
  parseServerOptions,
  printDefaultsText,
} from "../../server/config/options.ts";
import { readOptionFile } from "../../server/config/option_file.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mydeno_config_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function rejectsWith(argv: string[], message: string): Promise<void> {
  await assert.rejects(parseServerOptions(argv), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, message);
    return true;
  });
}

Deno.test("options: defaults", async () => {
  const o = await parseServerOptions([]);
  assert.equal(o.port, 3306);
  assert.equal(o.bindAddress, "127.0.0.1");
  assert.equal(o.datadir, "./data");
  assert.equal(o.socket, null);
  assert.equal(o.logError, null);
  assert.equal(o.initialize, null);
  assert.equal(o.variables.size, 0);
});

Deno.test("options: mysqld's spellings on the command line", async () => {
  const o = await parseServerOptions([
    "--port=3307",
    "--bind_address",
    "0.0.0.0",
    "-h",
    "/tmp/d",
    "--max-connections=1k",
    "--skip-name-resolve",
    "--disable-autocommit",
    "--enable-sql-safe-updates",
    "--sql_mode=ANSI_QUOTES",
    "--default-time-zone=+02:00",
    "--socket=/tmp/x.sock",
    "--initialize-insecure",
    "--performance-schema",
  ]);
  assert.equal(o.port, 3307);
  assert.equal(o.bindAddress, "0.0.0.0");
  assert.equal(o.datadir, "/tmp/d");
  assert.equal(o.socket, "/tmp/x.sock");
  assert.equal(o.initialize, "insecure");
  assert.equal(o.variables.get("max_connections"), 1024);
  assert.equal(o.variables.get("skip_name_resolve"), 1);
  assert.equal(o.variables.get("autocommit"), 0);
  assert.equal(o.variables.get("sql_safe_updates"), 1);
  assert.equal(o.variables.get("sql_mode"), "ANSI_QUOTES");
  assert.equal(o.variables.get("time_zone"), "+02:00");
  assert.equal(o.variables.get("performance_schema"), 1);
});

Deno.test("options: unknown options fail as mysqld's do, loose ones warn", async () => {
  await rejectsWith(["--foo"], "unknown option '--foo'");
  await rejectsWith(["--foo=1"], "unknown variable 'foo=1'");
  await rejectsWith(["--version-comment=x"], "unknown variable 'version-comment=x'");
  await rejectsWith(["stray"], "Too many arguments (first extra is 'stray').");
  await rejectsWith(["--port=33x"], "Unknown suffix 'x' used for variable 'port' (value '33x')");
  await rejectsWith(["--sql-mode=NOPE"], "Error while setting value 'NOPE' to 'sql_mode'");
  await rejectsWith(["--port"], "option '--port' requires an argument");
  const o = await parseServerOptions(["--loose-foo=1", "--loose_bar", "--max_connections=0"]);
  assert.deepEqual(o.warnings, [
    "unknown variable 'loose-foo=1'",
    "unknown option '--loose_bar'",
    "option 'max_connections': unsigned value 0 adjusted to 1",
  ]);
});

Deno.test("options: option files, groups, includes, precedence", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/conf.d`);
    await Deno.writeTextFile(
      `${dir}/my.cnf`,
      [
        "# a comment",
        "[client]",
        "port = 1111",
        "[mysqld]",
        "port = 3310   # trailing comment",
        "skip-name-resolve",
        'init_connect = "SET NAMES utf8mb4 # not a comment"',
        "loose-unknown-thing = 5",
        "; another comment",
        "!include extra.cnf",
        "!includedir conf.d",
        "[mydeno]",
        "wait_timeout=100",
      ].join("\n"),
    );
    await Deno.writeTextFile(`${dir}/extra.cnf`, "[server]\nmax_allowed_packet=16M\n");
    await Deno.writeTextFile(`${dir}/conf.d/b.cnf`, "[mariadbd]\nnet_read_timeout=7\n");
    await Deno.writeTextFile(`${dir}/conf.d/a.cnf`, "[mysqld]\nnet_read_timeout=5\n");
    await Deno.writeTextFile(`${dir}/conf.d/ignored.txt`, "[mysqld]\nnope=1\n");
    await Deno.writeTextFile(`${dir}/more.cnf`, "[mysqld]\nport=3320\n");

    const o = await parseServerOptions([
      `--defaults-file=${dir}/my.cnf`,
      `--defaults-extra-file=${dir}/more.cnf`,
      "--wait-timeout=200",
    ]);
    assert.equal(o.port, 3320, "the extra file comes after the defaults file");
    assert.equal(o.variables.get("skip_name_resolve"), 1);
    assert.equal(o.variables.get("init_connect"), "SET NAMES utf8mb4 # not a comment");
    assert.equal(o.variables.get("max_allowed_packet"), 16777216);
    assert.equal(o.variables.get("net_read_timeout"), 7, "includedir reads files by name");
    assert.equal(o.variables.get("wait_timeout"), 200, "the command line wins");
    assert.deepEqual(o.warnings, ["unknown variable 'loose-unknown-thing=5'"]);
    assert.equal(
      printDefaultsText(o.fileArguments),
      "mydeno would have been started with the following arguments:\n" +
        "--port=3310 --skip-name-resolve --init_connect=SET NAMES utf8mb4 # not a comment " +
        "--loose-unknown-thing=5 --max_allowed_packet=16M --net_read_timeout=5 " +
        "--net_read_timeout=7 --wait_timeout=100 --port=3320 \n",
    );

    const none = await parseServerOptions([`--defaults-file=${dir}/my.cnf`, "--no-defaults"]);
    assert.equal(none.port, 3306);
  });
});

Deno.test("options: bad option files", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/nogroup.cnf`, "port=1\n");
    await Deno.writeTextFile(`${dir}/unknown.cnf`, "[mysqld]\nfoo = bar\n");
    await rejectsWith(
      [`--defaults-file=${dir}/nogroup.cnf`],
      `Found option without preceding group in config file ${dir}/nogroup.cnf at line 1`,
    );
    await rejectsWith([`--defaults-file=${dir}/unknown.cnf`], "unknown variable 'foo=bar'");
    await rejectsWith(
      [`--defaults-file=${dir}/missing.cnf`],
      `Could not open required defaults file: ${dir}/missing.cnf`,
    );
    const entries = await readOptionFile(`${dir}/unknown.cnf`, { groups: ["client"] });
    assert.deepEqual(entries, []);
  });
});

Deno.test("options: help lists options and variables with defaults", () => {
  const text = helpText();
  assert.match(text, /--defaults-file=#/);
  assert.match(text, /^max-connections\s+151$/m);
  assert.match(text, /^wait-timeout\s+28800$/m);
});
