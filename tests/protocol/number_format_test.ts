import assert from "node:assert/strict";
import { formatDouble, formatFloat } from "../../protocol/number_format.ts";

Deno.test("formatDouble prints DOUBLE as MySQL does", () => {
  // Expected strings are MariaDB 11's output for SELECT <literal>e0.
  const cases: [number, string][] = [
    [0, "0"],
    [3, "3"],
    [-42, "-42"],
    [0.1, "0.1"],
    [123.456, "123.456"],
    [1e14, "100000000000000"],
    [999999999999999, "999999999999999"],
    [1e15, "1e15"],
    [1e16, "1e16"],
    [1e20, "1e20"],
    [12345678901234567, "1.2345678901234568e16"],
    [1.5e300, "1.5e300"],
    [1e308, "1e308"],
    [1e-5, "0.00001"],
    [-2.5e-7, "-0.00000025"],
    [1e-14, "0.00000000000001"],
    [1e-15, "0.000000000000001"],
    [1.5e-15, "0.0000000000000015"],
    [1e-16, "1e-16"],
    [1.5e-16, "1.5e-16"],
    [1e-20, "1e-20"],
    [5e-324, "5e-324"],
  ];
  for (const [v, text] of cases) assert.equal(formatDouble(v), text, `${v}`);
});

Deno.test("formatFloat prints FLOAT with 6 significant digits as MySQL does", () => {
  const cases: [number, string][] = [
    [Math.fround(3.14), "3.14"],
    [Math.fround(0.1), "0.1"],
    [Math.fround(123456789), "123457000"],
    [Math.fround(16777217), "16777200"],
    [Math.fround(1.5e-7), "0.00000015"],
    [Math.fround(1.23456789e-5), "0.0000123457"],
    [Math.fround(1e20), "1e20"],
    [Math.fround(1e15), "1e15"],
    [0, "0"],
    [-1, "-1"],
  ];
  for (const [v, text] of cases) assert.equal(formatFloat(v), text, `${v}`);
});
