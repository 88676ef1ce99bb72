import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { SlaBoard, currentPeriod } from "./SlaBoard";
import { timingText } from "./slaText";
import { fail, mockApi, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";

const NOW = new Date("2026-12-08T10:00:00Z");
const POLICY = { id: "5b0e8f5e-0000-4000-8000-000000000001", name: "Incidents P1", clock: "24x7" };

function goal(overrides: Record<string, unknown> = {}) {
  return {
    target_minutes: 240,
    elapsed_minutes: 300,
    remaining_minutes: 0,
    used_percent: 125,
    due_at: "2026-12-08T07:00:00Z",
    stopped_at: null,
    met: null,
    breached: true,
    breached_at: "2026-12-08T07:00:00Z",
    at_risk: false,
    ...overrides,
  };
}

function slaCase(id: string, overrides: Record<string, unknown> = {}) {
  return {
    case_type: "incident",
    case_id: id,
    category: "security",
    priority: "P1",
    opened_at: "2026-12-08T03:00:00Z",
    state: "breached",
    breached: true,
    paused: false,
    pause_reason: null,
    response: goal({ met: true, breached: false, breached_at: null, stopped_at: "2026-12-08T03:10:00Z" }),
    resolution: goal(),
    escalation_due_at: null,
    escalated_at: null,
    closed_at: null,
    policy: POLICY,
    as_of: NOW.toISOString(),
    events: [],
    ...overrides,
  };
}

const BREACHED = slaCase("9a0f0000-0000-4000-8000-00000000000a");
const PAUSED = slaCase("9a0f0000-0000-4000-8000-00000000000b", {
  case_type: "privacy_request",
  state: "paused",
  breached: false,
  paused: true,
  pause_reason: "awaiting_customer",
  resolution: goal({ due_at: null, breached: false, breached_at: null, remaining_minutes: 600, elapsed_minutes: 100, target_minutes: 700 }),
});

function api(pauseAnswer?: () => Response) {
  return mockApi((call) => {
    if (call.path === "/sla/cases") {
      const state = call.query.get("state");
      return ok(state === "breached" ? [BREACHED] : state === "paused" ? [PAUSED] : []);
    }
    if (call.path === `/sla/policies/${POLICY.id}`) return ok({ ...POLICY, pause_on: ["awaiting_customer", "third_party"] });
    if (call.path.endsWith("/pause") || call.path.endsWith("/resume")) return pauseAnswer?.() ?? ok(BREACHED);
    if (call.path === "/sla/report")
      return ok({
        start: "2026-10-31T22:00:00Z",
        end: "2026-11-30T22:00:00Z",
        groups: [
          { case_type: "incident", category: "security", priority: "P1", cases: 4, response_met: 3, response_decided: 4, response_met_percent: "75.0", resolution_met: 2, resolution_decided: 2, resolution_met_percent: "100.0", breached: 1 },
        ],
        by_case_type: [
          { case_type: "incident", category: "*", priority: "*", cases: 4, response_met: 3, response_decided: 4, response_met_percent: "75.0", resolution_met: 2, resolution_decided: 2, resolution_met_percent: "100.0", breached: 1 },
        ],
      });
    return undefined;
  });
}

const MANAGER = grants("sla:read", "incident:manage", "privacy:manage");

describe("SLA board", () => {
  it("lists breached cases with a link to the case, due time and how late, as text", async () => {
    const calls = api();
    renderAdmin(<SlaBoard now={NOW} />, MANAGER);
    const link = await screen.findByRole("link", { name: BREACHED.case_id });
    expect(link.getAttribute("href")).toBe(`#/incidents/${BREACHED.case_id}/show`); // the hash router
    const row = link.closest("tr")!;
    expect(within(row).getByText("Incident")).toBeTruthy();
    expect(within(row).getByText("Resolution")).toBeTruthy();
    expect(within(row).getByText("Late by 3 h")).toBeTruthy();
    const listed = calls.find((c) => c.path === "/sla/cases")!;
    expect(listed.query.get("state")).toBe("breached");
    expect(listed.query.get("limit")).toBe("25");
  });

  it("pauses with one of the policy's reasons after confirming", async () => {
    const calls = api();
    renderAdmin(<SlaBoard now={NOW} />, MANAGER);
    const row = (await screen.findByRole("link", { name: BREACHED.case_id })).closest("tr")!;
    fireEvent.click(await within(row).findByRole("button", { name: "Pause" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Pause" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.mouseDown(await within(dialog).findByRole("combobox", { name: /Reason/ }));
    fireEvent.click(await screen.findByRole("option", { name: "third_party" }));
    fireEvent.click(confirm);
    await waitFor(() => expect(calls.some((c) => c.path.endsWith("/pause"))).toBe(true));
    const pause = calls.find((c) => c.path.endsWith("/pause"))!;
    expect(pause.method).toBe("POST");
    expect(pause.path).toBe(`/sla/cases/incident/${BREACHED.case_id}/pause`);
    expect(pause.body).toEqual({ reason: "third_party" });
  });

  it("shows the API's refusal of a resume, on the paused tab", async () => {
    api(() => fail(403, "AUTH_005", "Pausing this case needs privacy:manage"));
    renderAdmin(<SlaBoard now={NOW} />, MANAGER);
    fireEvent.click(await screen.findByRole("tab", { name: "Paused" }));
    const link = await screen.findByRole("link", { name: PAUSED.case_id });
    expect(link.getAttribute("href")).toBe(`#/privacy/${PAUSED.case_id}`);
    const row = link.closest("tr")!;
    expect(within(row).getByText("10 h left (clock paused)")).toBeTruthy();
    expect(within(row).getByText(/awaiting_customer/)).toBeTruthy();
    fireEvent.click(await within(row).findByRole("button", { name: "Resume" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Resume" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Pausing this case needs privacy:manage");
  });

  it("hides pause and resume without the case type's manage permission", async () => {
    api();
    renderAdmin(<SlaBoard now={NOW} />, grants("sla:read", "privacy:manage"));
    const row = (await screen.findByRole("link", { name: BREACHED.case_id })).closest("tr")!;
    await waitFor(() => expect(within(row).getByText("Late by 3 h")).toBeTruthy());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(within(row).queryByRole("button", { name: "Pause" })).toBeNull();
  });

  it("shows the monthly report's compliance per policy", async () => {
    const calls = api();
    renderAdmin(<SlaBoard now={NOW} />, MANAGER);
    fireEvent.click(await screen.findByRole("tab", { name: "Monthly report" }));
    const month = await screen.findByLabelText("Month");
    fireEvent.change(month, { target: { value: "2026-11" } });
    const table = (await screen.findByText(/Compliance by policy/)).closest("table")!;
    expect(within(table).getByText("75.0 % (3 of 4)")).toBeTruthy();
    expect(within(table).getByText("100.0 % (2 of 2)")).toBeTruthy();
    await waitFor(() => expect(calls.some((c) => c.path === "/sla/report" && c.query.get("period") === "2026-11")).toBe(true));
  });
});

describe("SLA lists", () => {
  it("pages the at-risk list with the API's cursor", async () => {
    const second = slaCase("9a0f0000-0000-4000-8000-00000000000c", { state: "at_risk", breached: false });
    const calls = mockApi((call) => {
      if (call.path !== "/sla/cases") return undefined;
      if (call.query.get("state") !== "at_risk") return ok([]);
      return call.query.get("cursor") === "c2"
        ? ok([second], { has_more: false, next_cursor: null })
        : ok([slaCase("9a0f0000-0000-4000-8000-00000000000d", { state: "at_risk" })], { has_more: true, next_cursor: "c2" });
    });
    renderAdmin(<SlaBoard now={NOW} />, MANAGER);
    fireEvent.click(await screen.findByRole("tab", { name: "At risk" }));
    await screen.findByRole("link", { name: "9a0f0000-0000-4000-8000-00000000000d" });
    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await screen.findByRole("link", { name: second.case_id });
    expect(screen.getByText("Page 2")).toBeTruthy();
    expect(calls.some((c) => c.query.get("state") === "at_risk" && c.query.get("cursor") === "c2")).toBe(true);
  });

  it("lists the SLA policies", async () => {
    mockApi((call) =>
      call.path === "/sla/policies"
        ? ok([{ ...POLICY, case_type: "incident", category: "*", priority: "P1", response_minutes: 30, resolution_minutes: 240, escalation_minutes: 120, at_risk_percent: 80, pause_on: ["awaiting_customer"], description: null, active: true }])
        : call.path === "/sla/cases"
          ? ok([])
          : undefined,
    );
    renderAdmin(<SlaBoard now={NOW} />, MANAGER);
    fireEvent.click(await screen.findByRole("tab", { name: "Policies" }));
    const row = (await screen.findByText("Incidents P1")).closest("tr")!;
    expect(within(row).getByText("30 min / 4 h / 2 h")).toBeTruthy();
    expect(within(row).getByText("any")).toBeTruthy();
    expect(within(row).getByText("24×7")).toBeTruthy();
  });
});

describe("SLA timing text", () => {
  it("reads late, left and paused", () => {
    expect(timingText(goal() as never, NOW)).toBe("Late by 3 h");
    expect(timingText(goal({ breached: false, due_at: "2026-12-08T10:45:00Z" }) as never, NOW)).toBe("45 min left");
    expect(timingText(goal({ due_at: null, breached: false, remaining_minutes: 90 }) as never, NOW)).toBe("1 h left (clock paused)");
    expect(currentPeriod(new Date("2026-11-30T22:30:00Z"))).toBe("2026-12"); // already December in Windhoek
  });
});
