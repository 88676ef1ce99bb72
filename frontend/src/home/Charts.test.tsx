import { render } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import BarChartView from "./Charts";

describe("the lazily loaded chart", () => {
  it("renders as a picture hidden from assistive technology, with nothing focusable", () => {
    // jsdom has no layout: give the responsive container a size to draw in.
    vi.stubGlobal(
      "ResizeObserver",
      class {
        constructor(private readonly callback: ResizeObserverCallback) {}
        observe(target: Element) {
          const entry = { target, contentRect: { width: 400, height: 220 } } as unknown as ResizeObserverEntry;
          this.callback([entry], this as unknown as ResizeObserver);
        }
        unobserve() {}
        disconnect() {}
      },
    );
    const { container } = render(
      <div style={{ width: 400, height: 220 }}>
        <BarChartView
          rows={[
            { label: "6 Dec", values: { NAD: 4500 }, tip: ["2 transfers", "N$4,500.00"] },
            { label: "7 Dec", values: { NAD: 0 }, tip: ["0 transfers"] },
          ]}
          series={[{ key: "NAD", name: "NAD" }]}
        />
      </div>,
    );
    const picture = container.querySelector("[aria-hidden='true']");
    expect(picture).not.toBeNull();
    expect(picture!.querySelector("svg")).not.toBeNull(); // drawn
    expect(picture!.querySelectorAll(".recharts-bar-rectangle").length).toBeGreaterThan(0);
    expect(picture!.querySelector("[tabindex]:not([tabindex='-1'])")).toBeNull();
    vi.unstubAllGlobals();
  });
});
