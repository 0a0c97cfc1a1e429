/**
 * The systemd unit in the repository stays usable: Type=notify, the hardening the README
 * promises, room in TimeoutStopSec for shutdown_timeout, and an ExecStart that can reach the
 * notify socket (`--unstable-net`). `systemd-analyze verify` checks its syntax where installed.
 */

import assert from "node:assert/strict";
import { repoRoot } from "../helpers/paths.ts";
import { SYSTEM_VARIABLES } from "../../server/variables/system_variables.ts";

const UNIT = `${repoRoot()}/shutdown/mydeno.service`;

Deno.test("systemd unit: Type=notify, hardened, stop timeout above shutdown_timeout", async () => {
  const text = await Deno.readTextFile(UNIT);
  const value = (key: string) => text.match(new RegExp(`^${key}=(.*)$`, "m"))?.[1];
  assert.equal(value("Type"), "notify");
  assert.equal(value("NoNewPrivileges"), "yes");
  assert.equal(value("ProtectSystem"), "strict");
  assert.equal(value("PrivateTmp"), "yes");
  assert.match(value("ReadWritePaths") ?? "", /\/var\/lib\/mydeno/);
  assert.match(text, /^ExecStart=.*--unstable-net.*main\.ts/m);
  assert.match(text, /--datadir=\/var\/lib\/mydeno/);
  const stop = Number(value("TimeoutStopSec"));
  const shutdownTimeout = Number(SYSTEM_VARIABLES.get("shutdown_timeout")?.default);
  assert.ok(stop > shutdownTimeout * 2, `TimeoutStopSec ${stop}`);
  const verify = await new Deno.Command("systemd-analyze", {
    args: ["verify", UNIT],
    stdout: "piped",
    stderr: "piped",
  }).output().catch(() => null); // not installed: nothing more to check
  if (verify) {
    const out = new TextDecoder().decode(verify.stderr);
    assert.doesNotMatch(out, /Unknown (key|section)|Failed to parse|Invalid/i, out);
  }
});
