/**
 * Money as the API sends it: decimal strings ("1234.50", "-12.5", "0.00000001").
 * Formatting never converts to a JS number: digits are handled as strings (and BigInt where
 * arithmetic is needed), so no amount is ever rounded through a binary float.
 */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Symbols shown for the currencies the platform handles; others show their ISO code. */
const SYMBOLS: Readonly<Record<string, string>> = { NAD: "N$", ZAR: "R" };

export interface ParsedDecimal {
  negative: boolean;
  integer: string; // digits, no leading zeros (at least "0")
  fraction: string; // digits as sent, trailing zeros removed
}

export function parseDecimal(value: string): ParsedDecimal {
  const match = DECIMAL.exec(value.trim());
  if (!match) {
    throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  }
  const integer = (match[2] ?? "0").replace(/^0+(?=\d)/, "");
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  const zero = /^0$/.test(integer) && fraction === "";
  return { negative: match[1] === "-" && !zero, integer, fraction };
}

function group(integer: string, separator: string): string {
  let out = "";
  for (let end = integer.length; end > 0; end -= 3) {
    const chunk = integer.slice(Math.max(0, end - 3), end);
    out = out ? `${chunk}${separator}${out}` : chunk;
  }
  return out;
}

export interface MoneyOptions {
  /** Digits always shown after the decimal point (default 2); more are shown when sent. */
  minimumFractionDigits?: number;
  /** Show the currency symbol or code (default true). */
  withCurrency?: boolean;
}

/**
 * en-NA style: "N$1,234.50", "-N$12.50", "N$0.00000001". Every digit the API sent is kept
 * (never rounded); at least two fraction digits are shown.
 */
export function formatMoney(value: string, currency = "NAD", options: MoneyOptions = {}): string {
  const { negative, integer, fraction } = parseDecimal(value);
  const minimum = options.minimumFractionDigits ?? 2;
  const digits = fraction.padEnd(minimum, "0");
  const number = group(integer, ",") + (digits ? `.${digits}` : "");
  const symbol = options.withCurrency === false ? "" : (SYMBOLS[currency] ?? `${currency}\u00a0`);
  return `${negative ? "-" : ""}${symbol}${number}`;
}

/** Compare two decimal strings exactly (-1, 0, 1), through BigInt on a common scale. */
export function compareDecimal(a: string, b: string): number {
  const [x, y] = [parseDecimal(a), parseDecimal(b)];
  const scale = Math.max(x.fraction.length, y.fraction.length);
  const scaled = (p: ParsedDecimal) => BigInt(`${p.negative ? "-" : ""}${p.integer}${p.fraction.padEnd(scale, "0")}`);
  const [left, right] = [scaled(x), scaled(y)];
  return left < right ? -1 : left > right ? 1 : 0;
}
