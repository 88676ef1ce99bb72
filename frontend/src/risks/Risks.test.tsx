import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { Notification } from "react-admin";
import { describe, expect, it } from "vitest";
import { fail, mockApi, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { RiskCreate, RiskEdit, createBody, updateBody } from "./RiskForm";
import { RiskList } from "./RiskList";
import { RiskShow, reviewChange } from "./RiskShow";
import { heatMap } from "./riskText";

const ID = "7c1d0000-0000-4000-8000-000000000001";

function risk(id: string, likelihood: number, impact: number, residual: [number, number] | null, overrides: Record<string, unknown> = {}) {
  const rating = (score: number) => (score <= 4 ? "low" : score <= 9 ? "medium" : score <= 16 ? "high" : "critical");
  return {
    id,
    title: `Risk ${id.slice(-1)}`,
    description: "Card data exposed through logs",
    asset: "customer personal information",
    threat: "Log shipping to a third party",
    vulnerability: null,
    category: "privacy",
    likelihood,
    impact,
    inherent_score: likelihood * impact,
    inherent_rating: rating(likelihood * impact),
    residual_likelihood: residual?.[0] ?? null,
    residual_impact: residual?.[1] ?? null,
    residual_score: residual ? residual[0] * residual[1] : null,
    residual_rating: residual ? rating(residual[0] * residual[1]) : null,
    rating: rating(residual ? residual[0] * residual[1] : likelihood * impact),
    treatment: residual ? "mitigate" : null,
    treatment_plan: null,
    owner_id: null,
    status: "open",
    review_interval_days: 90,
    review_date: "2027-03-01",
    last_reviewed_at: null,
    overdue: false,
    controls: [],
    incident_ids: [],
    created_by: null,
    created_at: "2026-12-01T08:00:00Z",
    updated_at: "2026-12-01T08:00:00Z",
    closed_at: null,
    reviews: [],
    ...overrides,
  };
}

const CONTROL = {
  id: "c0c0c0c0-0000-4000-8000-000000000001",
  name: "Log redaction",
  description: "Card numbers masked before logs leave the host",
  type: "preventive",
  status: "active",
  reference: null,
  created_at: "2026-12-01T08:00:00Z",
  updated_at: "2026-12-01T08:00:00Z",
};

const RISKS = [
  risk("7c1d0000-0000-4000-8000-000000000001", 2, 4, [1, 4]),
  risk("7c1d0000-0000-4000-8000-000000000002", 2, 4, null),
  risk("7c1d0000-0000-4000-8000-000000000003", 5, 5, [1, 4]),
];

function cell(table: HTMLElement, impact: number, likelihood: number): HTMLElement {
  const row = within(table).getByRole("rowheader", { name: new RegExp(`^Impact ${impact} `) }).closest("tr")!;
  return within(row).getAllByRole("cell")[likelihood - 1]!;
}

describe("risk heat map", () => {
  it("counts risks per likelihood × impact, inherent or residual", () => {
    const inherent = heatMap(RISKS, "inherent");
    expect(inherent.counts[1]![3]).toBe(2);
    expect(inherent.counts[4]![4]).toBe(1);
    const residual = heatMap(RISKS, "residual");
    expect(residual.counts[0]![3]).toBe(2);
    expect(residual.unassessed).toBe(1);
  });

  it("renders the API's risks as a table with headers, and toggles to residual scores", async () => {
    const calls = mockApi((call) => (call.path === "/risks" ? ok(RISKS) : undefined));
    renderAdmin(<RiskList />, grants("risk:read"));
    const table = await screen.findByRole("table", { name: /Number of risks by likelihood and impact \(inherent/ });
    expect(within(table).getAllByRole("columnheader").map((h) => h.textContent)).toContain("Likelihood 2 (Unlikely)");
    expect(cell(table, 4, 2).textContent).toBe("2 risksMedium");
    expect(cell(table, 5, 5).textContent).toBe("1 riskCritical");
    expect(cell(table, 1, 1).textContent).toBe("0 risksLow");
    fireEvent.click(screen.getByRole("button", { name: "Residual" }));
    const residual = await screen.findByRole("table", { name: /residual scores/ });
    expect(cell(residual, 4, 1).textContent).toBe("2 risksLow");
    expect(cell(residual, 4, 2).textContent).toBe("0 risksMedium");
    expect(screen.getByText("1 risk has no residual assessment and is not shown.")).toBeTruthy();
    const heat = calls.find((c) => c.path === "/risks" && c.query.get("limit") === "100");
    expect(heat).toBeTruthy();
  });

  it("shows New risk only to risk:manage", async () => {
    mockApi((call) => (call.path === "/risks" ? ok(RISKS) : undefined));
    const { unmount } = renderAdmin(<RiskList />, grants("risk:read"));
    await screen.findAllByText("Risk 1");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole("link", { name: "New risk" })).toBeNull();
    unmount();
    renderAdmin(<RiskList />, grants("risk:read", "risk:manage"));
    expect(await screen.findByRole("link", { name: "New risk" })).toBeTruthy();
  });
});

describe("risk form", () => {
  it("sends only the fields the API takes", () => {
    const values = { ...risk(ID, 3, 4, null), control_ids: ["c1"], title: "  Card data in logs ", treatment_plan: "" };
    expect(createBody(values)).toEqual({
      title: "Card data in logs",
      description: "Card data exposed through logs",
      asset: "customer personal information",
      threat: "Log shipping to a third party",
      category: "privacy",
      likelihood: 3,
      impact: 4,
      review_interval_days: 90,
      review_date: "2027-03-01",
      control_ids: ["c1"],
    });
    const change = updateBody(values);
    expect(change.treatment_plan).toBeNull(); // cleared
    expect(change.status).toBe("open");
    expect(change).not.toHaveProperty("inherent_score");
    expect(change).not.toHaveProperty("id");
  });

  it("creates a risk with likelihood and impact 1–5", async () => {
    const calls = mockApi((call) => {
      if (call.method === "POST") return ok(risk(ID, 4, 5, null));
      if (call.path === "/risks/controls") return ok([]);
      if (call.path === `/risks/${ID}`) return ok(risk(ID, 4, 5, null));
      return undefined;
    });
    renderAdmin(<RiskCreate />, grants("risk:read", "risk:manage"));
    const type = (name: RegExp, value: string) => fireEvent.change(screen.getByRole("textbox", { name }), { target: { value } });
    const choose = async (name: RegExp, option: RegExp) => {
      fireEvent.mouseDown(await screen.findByRole("combobox", { name }));
      fireEvent.click(await screen.findByRole("option", { name: option }));
    };
    await screen.findByRole("textbox", { name: /^Title/ });
    type(/^Title/, "Ledger outage");
    type(/^Description/, "The ledger database is unavailable");
    type(/^Asset/, "ledger");
    type(/^Threat/, "Disk failure");
    await choose(/^Category/, /^Availability$/);
    await choose(/^Inherent likelihood/, /^4 – Likely$/);
    await choose(/^Inherent impact/, /^5 – Severe$/);
    fireEvent.click(screen.getByRole("button", { name: /save/i }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    const sent = calls.find((c) => c.method === "POST")!;
    expect(sent.path).toBe("/risks");
    expect(sent.body).toEqual({
      title: "Ledger outage",
      description: "The ledger database is unavailable",
      asset: "ledger",
      threat: "Disk failure",
      category: "availability",
      likelihood: 4,
      impact: 5,
    });
  });

  it("shows no form without risk:manage", async () => {
    mockApi(() => undefined);
    renderAdmin(<RiskCreate />, grants("risk:read"));
    expect(await screen.findByText(/needs the risk:manage permission/)).toBeTruthy();
    expect(screen.queryByRole("textbox", { name: /^Title/ })).toBeNull();
  });

  it("patches the risk and shows the API's refusal", async () => {
    const calls = mockApi((call) => {
      if (call.method === "PATCH") return fail(422, "RSK_007", "This status needs a matching treatment, its plan and a residual rating");
      if (call.path === `/risks/${ID}`) return ok(risk(ID, 3, 4, null, { controls: [CONTROL] }));
      if (call.path === "/risks/controls") return ok([CONTROL]);
      if (call.path === `/risks/controls/${CONTROL.id}`) return ok(CONTROL);
      return undefined;
    });
    renderAdmin(
      <>
        <RiskEdit />
        <Notification />
      </>,
      grants("risk:read", "risk:manage"),
      { url: `/risks/${ID}`, route: "/risks/:id" },
    );
    const title = await screen.findByRole("textbox", { name: /^Title/ });
    await waitFor(() => expect((title as HTMLInputElement).value).toBe("Risk 1"));
    fireEvent.change(title, { target: { value: "Card data in application logs" } });
    expect(screen.queryByRole("button", { name: /delete/i })).toBeNull(); // the API deletes no risk
    fireEvent.click(screen.getByRole("button", { name: /save/i }));
    expect(await screen.findByText("This status needs a matching treatment, its plan and a residual rating")).toBeTruthy();
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(patch.path).toBe(`/risks/${ID}`);
    expect(patch.body).toMatchObject({ title: "Card data in application logs", likelihood: 3, impact: 4, status: "open" });
    expect(patch.body).toMatchObject({ control_ids: [CONTROL.id] });
    expect(patch.body).not.toHaveProperty("reviews");
    expect(patch.body).not.toHaveProperty("controls");
  });

  it("reads a review's change of scores", () => {
    expect(reviewChange({ before: { inherent_score: 12, residual_score: null }, after: { inherent_score: 12, residual_score: 4 } })).toBe("residual — → 4");
  });
});

describe("risk page", () => {
  const REVIEWED = risk(ID, 3, 4, [2, 2], {
    treatment: "mitigate",
    treatment_plan: "Redact card numbers at the source",
    controls: [CONTROL],
    reviews: [
      {
        id: "r1",
        reviewed_by: "44444444-4444-4444-8444-444444444444",
        reviewed_at: "2026-12-02T09:00:00Z",
        note: "Redaction verified on all hosts",
        before: { inherent_score: 12, residual_score: null },
        after: { inherent_score: 12, residual_score: 4 },
        review_date_before: "2026-12-01",
        review_date_after: "2027-03-01",
      },
    ],
  });

  function open(permissions: string[], reviewAnswer?: () => Response) {
    const calls = mockApi((call) => {
      if (call.method === "POST") return reviewAnswer?.();
      if (call.path === `/risks/${ID}`) return ok(REVIEWED);
      return undefined;
    });
    renderAdmin(<RiskShow />, grants(...permissions), { url: `/risks/${ID}/show`, route: "/risks/:id/show" });
    return calls;
  }

  it("shows treatment, controls and reviews; no edit or review without risk:manage", async () => {
    open(["risk:read"]);
    expect(await screen.findByText("Redact card numbers at the source")).toBeTruthy();
    expect(within(screen.getByRole("table", { name: "Controls" })).getByText("Log redaction")).toBeTruthy();
    const reviews = screen.getByRole("table", { name: "Reviews" });
    expect(within(reviews).getByText("Redaction verified on all hosts")).toBeTruthy();
    expect(within(reviews).getByText("residual — → 4")).toBeTruthy();
    expect(screen.getByText(/= 12 \(high\)/)).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole("link", { name: "Edit risk" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Record review" })).toBeNull();
  });

  it("records a review with its note and shows the API's refusal", async () => {
    const calls = open(["risk:read", "risk:manage"], () => fail(422, "RSK_002", "The residual rating cannot exceed the inherent one"));
    expect(await screen.findByRole("link", { name: "Edit risk" })).toBeTruthy();
    fireEvent.click(await screen.findByRole("button", { name: "Record review" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByRole("textbox", { name: /What was verified/ }), { target: { value: "Quarterly check" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Record review" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("The residual rating cannot exceed the inherent one");
    const sent = calls.find((c) => c.method === "POST")!;
    expect(sent.path).toBe(`/risks/${ID}/reviews`);
    expect(sent.body).toEqual({ note: "Quarterly check" });
  });
});
