/**
 * README.md stays true: every system variable the server knows is listed in its table with
 * the default the server uses, and the quick-start commands are the two the product promises.
 */

import assert from "node:assert/strict";
import { formatVariable, SYSTEM_VARIABLES } from "../../server/variables/system_variables.ts";

const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));

/** The default column of a variable's row; long values are shortened with a final "…". */
function defaultCell(name: string): string | null {
  const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\` `));
  if (!row) return null;
  // Cells: variable, scope, dynamic, default (`deno fmt` pads them; `\|` is a literal bar).
  const cells = row.split(/(?<!\\)\|/).map((c) => c.trim());
  return (cells[4] ?? "").replaceAll(", ", ",").replaceAll("\\|", "|");
}

Deno.test("README lists every system variable with its default", () => {
  const missing: string[] = [];
  for (const def of SYSTEM_VARIABLES.values()) {
    const cell = defaultCell(def.name);
    if (cell === null) {
      missing.push(def.name);
      continue;
    }
    if (def.aliasOf) continue;
    const shown = formatVariable(def, def.default as never);
    const expected = shown === "" ? (def.default === null ? "NULL" : "(empty)") : shown;
    if (cell.endsWith("…")) assert.ok(expected.startsWith(cell.slice(0, -1)), def.name);
    else assert.equal(cell, expected, `default of ${def.name}`);
  }
  assert.deepEqual(missing, []);
});

Deno.test("README quick start has the two commands", () => {
  assert.match(readme, /npx -y deno@2\.9\.6 task start/);
  assert.match(readme, /npx -y deno@2\.9\.6 task test/);
});
