import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fail, mockApi, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { PrivacyRequestList } from "./PrivacyRequestList";
import { PrivacyRequestPage } from "./PrivacyRequestPage";
import { dueText } from "./privacyText";

const NOW = new Date("2026-12-08T10:00:00Z");
const ID = "3d0f6f7e-1f0b-4c55-9d7e-2b8f0c6a9e14";

function request(overrides: Record<string, unknown> = {}) {
  return {
    id: ID,
    type: "access",
    status: "in_progress",
    details: "Everything you hold about me",
    correction: null,
    received_at: "2026-11-06T08:00:00Z",
    due_at: "2026-12-06T08:00:00Z",
    overdue: true,
    extension: null,
    identity_verified: true,
    closed_at: null,
    resolution: null,
    legal_ground: null,
    dispute: null,
    outcome: null,
    notifications: [],
    bundle_status: "preparing",
    subject_id: "22222222-2222-4222-8222-222222222222",
    assignee_id: null,
    started_at: "2026-11-07T09:00:00Z",
    closed_by: null,
    verifications: [
      { method: "identity_document", passed: true, verified_by: "33333333-3333-4333-8333-333333333333", verified_at: "2026-11-06T12:00:00Z", note: "ID number matched" },
    ],
    ...overrides,
  };
}

const ON_TIME = request({ id: "4e1f6f7e-1f0b-4c55-9d7e-2b8f0c6a9e15", type: "erasure", status: "received", overdue: false, due_at: "2026-12-13T10:00:00Z", identity_verified: false, verifications: [], started_at: null });

describe("privacy requests queue", () => {
  it("lists requests with due dates and overdue marked in text, filtered as the API takes them", async () => {
    const calls = mockApi((call) => (call.path === "/privacy-requests" ? ok([request(), ON_TIME]) : undefined));
    renderAdmin(<PrivacyRequestList now={NOW} />, grants("privacy:read"));
    const late = (await screen.findByRole("link", { name: ID })).closest("tr")!;
    expect(within(late).getByText("Overdue by 2 d")).toBeTruthy();
    expect(within(late).getByText("Access")).toBeTruthy();
    const onTime = screen.getByRole("link", { name: ON_TIME.id }).closest("tr")!;
    expect(within(onTime).getByText("Due in 5 d")).toBeTruthy();
    expect(within(onTime).getByText("Erasure")).toBeTruthy();
    const listed = calls.find((c) => c.path === "/privacy-requests")!;
    expect(listed.query.get("limit")).toBe("25");
    expect(listed.query.has("sort")).toBe(false);
  });

  it("reads the deadline from a fixed now", () => {
    expect(dueText({ status: "verifying", due_at: "2026-12-06T08:00:00Z", overdue: false }, NOW)).toBe("Overdue by 2 d");
    expect(dueText({ status: "extended", due_at: "2026-12-08T12:30:00Z", overdue: false }, NOW)).toBe("Due in 2 h");
    expect(dueText({ status: "completed", due_at: "2026-12-06T08:00:00Z", overdue: false }, NOW)).toBe("Closed");
  });
});

describe("privacy request page", () => {
  function open(permissions: string[], answer?: (path: string) => Response | undefined) {
    const calls = mockApi((call) => {
      if (call.method === "POST") return answer?.(call.path);
      if (call.path === `/privacy-requests/${ID}`) return ok(request());
      if (call.path === "/audit-logs")
        return ok([
          { id: "a1", occurred_at: "2026-11-07T09:00:00.000000Z", action: "privacy_request.started", actor_id: "33333333-3333-4333-8333-333333333333", actor_roles: ["staff"], resource_type: "privacy_request", resource_id: ID, changes: { before: {}, after: {} }, reason: null, ip: null, user_agent: null, request_id: null, seq: 1, hash: null },
        ]);
      return undefined;
    });
    renderAdmin(<PrivacyRequestPage now={NOW} />, grants(...permissions), { url: `/privacy/${ID}`, route: "/privacy/:id" });
    return calls;
  }

  it("shows the request's history and deadline", async () => {
    open(["privacy:read", "privacy:manage"]);
    const history = await screen.findByRole("table", { name: "History" });
    const events = within(history).getAllByRole("row").slice(1).map((row) => within(row).getAllByRole("cell")[1]!.textContent);
    expect(events).toEqual(["Received", "Identity check passed", "Work started"]);
    expect(screen.getByText("Overdue by 2 d")).toBeTruthy();
    expect(within(history).getByText("Identity document: ID number matched")).toBeTruthy();
  });

  it("shows the audit trail of the request to audit:view", async () => {
    const calls = open(["privacy:read", "audit:view"]);
    const trail = await screen.findByRole("table", { name: "Audit trail" });
    expect(within(trail).getByText("privacy_request.started")).toBeTruthy();
    const asked = calls.find((c) => c.path === "/audit-logs")!;
    expect(asked.query.get("resource_type")).toBe("privacy_request");
    expect(asked.query.get("resource_id")).toBe(ID);
  });

  it("offers the actions the state allows to privacy:manage only", async () => {
    open(["privacy:read", "privacy:manage"]);
    expect(await screen.findByRole("button", { name: "Extend deadline" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Complete" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Refuse" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Verify identity" })).toBeNull();
  });

  it("hides every action without privacy:manage", async () => {
    const calls = open(["privacy:read"]);
    await screen.findByRole("table", { name: "History" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.some((c) => c.path === "/audit-logs")).toBe(false);
    expect(screen.queryByRole("button", { name: "Refuse" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Complete" })).toBeNull();
  });

  it("refuses with a reason and legal ground after confirming, and shows the API's refusal", async () => {
    const calls = open(["privacy:read", "privacy:manage"], () => fail(409, "DSR_002", "Cannot refuse a request that is completed"));
    fireEvent.click(await screen.findByRole("button", { name: "Refuse" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Refuse" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Reason/ }), { target: { value: "Manifestly unfounded" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Legal ground/ }), { target: { value: "PAIA s45" } });
    fireEvent.click(confirm);
    expect((await within(dialog).findByRole("alert")).textContent).toBe("Cannot refuse a request that is completed");
    const sent = calls.find((c) => c.method === "POST")!;
    expect(sent.path).toBe(`/privacy-requests/${ID}/refuse`);
    expect(sent.body).toEqual({ reason: "Manifestly unfounded", legal_ground: "PAIA s45" });
  });

  it("extends by the days and reason given", async () => {
    const calls = open(["privacy:read", "privacy:manage"], () => ok(request({ status: "extended" })));
    fireEvent.click(await screen.findByRole("button", { name: "Extend deadline" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByRole("spinbutton", { name: /Days/ }), { target: { value: "14" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Reason/ }), { target: { value: "Records held by a processor" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Extend deadline" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const sent = calls.find((c) => c.method === "POST")!;
    expect(sent.path).toBe(`/privacy-requests/${ID}/extend`);
    expect(sent.body).toEqual({ days: 14, reason: "Records held by a processor" });
  });
});
