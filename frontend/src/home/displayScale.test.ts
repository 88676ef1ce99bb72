import { describe, expect, it } from "vitest";
import { barHeight, percentHeight } from "./displayScale";

describe("display-only bar heights", () => {
  it("keeps the integer part and two fraction digits", () => {
    expect(barHeight("4500.00")).toBe(4500);
    expect(barHeight("0.5")).toBe(0.5);
    expect(barHeight("12.34999999")).toBe(12.34);
    expect(barHeight("-3.10")).toBe(-3.1);
    expect(barHeight("0")).toBe(0);
  });

  it("reads percentages, null as 0", () => {
    expect(percentHeight("93.8")).toBe(93.8);
    expect(percentHeight(null)).toBe(0);
  });
});
