/**
 * MySQL's text form of DOUBLE and FLOAT values (my_gcvt as the server uses it for the text
 * protocol). Checked against MariaDB 11: SELECT 1e15 → "1e15", 1e14 → "100000000000000",
 * 1e-5 → "0.00001", 1e-16 → "1e-16", 0.1e0 → "0.1"; FLOAT 123456789 → "123457000".
 *
 * Known differences: -0 prints "0" (MySQL "-0"); NaN/Infinity print as JS does (MySQL cannot
 * store them); MySQL 8 may print some FLOAT values with more digits than the 6 used here.
 */

/**
 * Format digits `d` (no leading zeros, no dot) with decimal exponent `e` (value = d[0].d[1..] ×
 * 10^e) the way my_gcvt does: fixed notation for -15 <= e <= 14, else "d.ddde-x" / "d.ddde+x"
 * without the '+'.
 */
function gcvt(negative: boolean, digits: string, e: number): string {
  const sign = negative ? "-" : "";
  if (e < -15 || e > 14) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${e}`;
  }
  const decpt = e + 1;
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** Split a finite number into sign, shortest round-trip digits and decimal exponent. */
function format(v: number): string {
  const s = v.toExponential(); // shortest digits that round-trip, e.g. "-1.5e-7"
  const negative = s.charCodeAt(0) === 0x2d;
  const ePos = s.indexOf("e");
  const mantissa = s.slice(negative ? 1 : 0, ePos);
  const digits = mantissa.length > 1 ? mantissa[0]! + mantissa.slice(2) : mantissa;
  return gcvt(negative, digits, Number(s.slice(ePos + 1)));
}

/** Text form of a DOUBLE value, e.g. 0.1 → "0.1", 1e20 → "1e20", 1e-7 → "0.0000001". */
export function formatDouble(v: number): string {
  if (Number.isInteger(v) && v < 1e15 && v > -1e15) return String(v);
  if (!Number.isFinite(v)) return String(v);
  return format(v);
}

/** Text form of a FLOAT value: 6 significant digits (FLT_DIG), e.g. 3.140000104904175 → "3.14". */
export function formatFloat(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  return format(Number(v.toPrecision(6)));
}
