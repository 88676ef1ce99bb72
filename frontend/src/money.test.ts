import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareDecimal, formatMoney, parseDecimal } from "./money";

describe("formatMoney", () => {
  it.each([
    ["1234.50", "N$1,234.50"],
    ["-12.5", "-N$12.50"],
    ["0.00000001", "N$0.00000001"],
    ["0", "N$0.00"],
    ["-0.00", "N$0.00"],
    ["1000000", "N$1,000,000.00"],
    ["999.999", "N$999.999"],
    ["12345678901234.99999999", "N$12,345,678,901,234.99999999"],
    ["90071992547409931.01", "N$90,071,992,547,409,931.01"],
    ["0.1", "N$0.10"],
    ["007.20", "N$7.20"],
  ])("formats %s as %s", (value, shown) => {
    expect(formatMoney(value)).toBe(shown);
  });

  it("shows other currencies by code and can leave the symbol out", () => {
    expect(formatMoney("5.5", "USD")).toBe("USD\u00a05.50");
    expect(formatMoney("5.5", "NAD", { withCurrency: false })).toBe("5.50");
  });

  it("refuses what is not a decimal string", () => {
    for (const bad of ["", "1e5", "NaN", "1,000.00", "12.", ".5", "abc"]) {
      expect(() => formatMoney(bad)).toThrow(RangeError);
    }
  });

  it("keeps every digit of any decimal string (no float path)", () => {
    const digits = (min: number, max: number) =>
      fc.array(fc.constantFrom(..."0123456789"), { minLength: min, maxLength: max }).map((d) => d.join(""));
    fc.assert(
      fc.property(fc.boolean(), digits(1, 30), digits(0, 18), (negative, integer, fraction) => {
        const value = `${negative ? "-" : ""}${integer}${fraction ? `.${fraction}` : ""}`;
        const shown = formatMoney(value);
        // Strip the formatting: what remains is exactly the digits sent, normalised.
        const bare = shown.replace(/^-/, "").replace("N$", "").replaceAll(",", "");
        const [int, frac = ""] = bare.split(".");
        const expectedInt = integer.replace(/^0+(?=\d)/, "");
        const expectedFrac = fraction.replace(/0+$/, "").padEnd(2, "0");
        expect(int).toBe(expectedInt);
        expect(frac).toBe(expectedFrac);
        const isZero = /^0*$/.test(integer + fraction);
        expect(shown.startsWith("-")).toBe(negative && !isZero);
        // Grouping: every group after the first has exactly three digits.
        const groups = shown.replace(/^-?N\$/, "").split(".")[0]!.split(",");
        expect(groups.slice(1).every((g) => g.length === 3)).toBe(true);
        expect(groups[0]!.length).toBeGreaterThanOrEqual(1);
        expect(groups[0]!.length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 2000 },
    );
  });

  it("differs from a float round-trip where a float would lose digits", () => {
    const value = "12345678901234.99999999";
    expect(String(Number(value))).not.toContain("99999999"); // what a float path would show
    expect(formatMoney(value)).toContain("901,234.99999999");
  });
});

describe("decimal helpers", () => {
  it("parses sign, integer and fraction", () => {
    expect(parseDecimal("-0012.3400")).toEqual({ negative: true, integer: "12", fraction: "34" });
  });

  it("compares exactly, beyond float precision", () => {
    expect(compareDecimal("9007199254740993.00000001", "9007199254740993")).toBe(1);
    expect(compareDecimal("-1.5", "-1.50")).toBe(0);
    expect(compareDecimal("-2", "1")).toBe(-1);
  });
});
