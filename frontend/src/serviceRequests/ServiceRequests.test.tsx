import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ServiceRequest } from "../api/types";
import { type Handler, created, fail, mockApi, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { ServiceRequestBoard } from "./ServiceRequestBoard";
import { ServiceRequestView } from "./ServiceRequestPage";

/** A page of `data` as the board asks for it (ten a page). */
const listed = (data: unknown[], meta: Record<string, unknown> = {}) =>
  ok(data, { has_more: false, next_cursor: null, limit: 10, ...meta });

/** What `answer` leaves unanswered gets an empty list. */
const mockFetch = (answer: Handler) => mockApi(answer, () => listed([]));

const APPROVER = grants("service_request:read", "service_request:approve", "service_request:manage");
const READER = grants("service_request:read");

function request(overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    id: "7d9c0000-0000-4000-8000-000000000001",
    requester_id: "u-requester",
    organization_id: null,
    category: "payment_exception",
    title: "Release the held supplier payment",
    description: "Paid twice",
    priority: "high",
    status: "in_review",
    amount: "12500.00",
    currency: "NAD",
    assignee: null,
    chain: {
      category: "payment_exception",
      version: 2,
      levels: [
        { name: "Team lead", required_role: "support", required_permission: null, threshold: null, approvers_required: 1 },
        { name: "Finance", required_role: null, required_permission: "payment:approve", threshold: "10000.00", approvers_required: 2 },
      ],
    },
    approval: { current_level: 2, applicable_levels: [1, 2], approvals_per_level: { "1": 1, "2": 0 } },
    approvals: [{ approver_id: "u-lead", level: 1, at: "2026-12-07T08:00:00Z", comment: "ok" }],
    history: [{ from: "submitted", to: "in_review", actor_id: "u-lead", at: "2026-12-07T08:00:00Z", comment: "" }],
    available_actions: ["approve", "reject", "assign", "cancel"],
    submitted_at: "2026-12-07T07:00:00Z",
    due_at: "2026-12-09T07:00:00Z",
    overdue: false,
    created_at: "2026-12-07T06:00:00Z",
    updated_at: null,
    completed_at: null,
    ...overrides,
  } as ServiceRequest;
}

describe("service request board", () => {
  it("shows one column per API state, each filled from its own query", async () => {
    const calls = mockFetch((call) => {
      if (call.path !== "/service-requests") return undefined;
      const status = call.query.get("status");
      if (status === "submitted") return listed([request({ status: "submitted", title: "New laptop", id: "a" })], { total: 1 });
      if (status === "approved" && call.query.get("cursor") === "c2")
        return listed([request({ status: "approved", title: "Second page", id: "c" })], { total: 11 });
      if (status === "approved")
        return listed([request({ status: "approved", title: "Refund duplicate", id: "b", overdue: true })], {
          total: 11,
          has_more: true,
          next_cursor: "c2",
        });
      return listed([], { total: 0 });
    });
    renderAdmin(<ServiceRequestBoard />, APPROVER);

    const submitted = await screen.findByRole("region", { name: "Submitted (1)" });
    expect(within(submitted).getByRole("link", { name: "New laptop" }).getAttribute("href")).toContain("/service-requests/a");
    const approved = await screen.findByRole("region", { name: "Approved (11)" });
    expect(within(approved).getByText("Refund duplicate")).toBeTruthy();
    expect(within(approved).getByText("Overdue")).toBeTruthy();
    expect(within(approved).getByText("N$12,500.00")).toBeTruthy();
    expect(await screen.findByRole("region", { name: "In progress (0)" })).toBeTruthy();
    expect(within(submitted).queryByRole("button", { name: /More/ })).toBeNull();

    const statuses = calls.map((c) => new URL(c.url, "http://x").searchParams.get("status"));
    expect(new Set(statuses)).toEqual(
      new Set(["draft", "submitted", "in_review", "approved", "in_progress", "completed", "rejected", "cancelled"]),
    );

    fireEvent.click(within(approved).getByRole("button", { name: "More: Approved" }));
    expect(await within(approved).findByText("Second page")).toBeTruthy();
    await waitFor(() => {
      const more = calls.map((c) => new URL(c.url, "http://x")).find((u) => u.searchParams.get("cursor") === "c2");
      expect(more?.searchParams.get("status")).toBe("approved");
      expect(more?.searchParams.get("limit")).toBe("10");
    });
  });
});

describe("service request page", () => {
  it("shows the pinned chain with each level's state and the approvals", async () => {
    mockFetch(() => undefined);
    renderAdmin(<ServiceRequestView request={request()} onChanged={() => {}} />, APPROVER);
    const chain = await screen.findByRole("table", { name: "Approval chain" });
    const rows = within(chain).getAllByRole("row");
    expect(within(rows[1]!).getByText("Approved")).toBeTruthy();
    expect(within(rows[2]!).getByText("Waiting")).toBeTruthy();
    expect(within(rows[2]!).getByText("0 / 2")).toBeTruthy();
    expect(within(rows[2]!).getByText("N$10,000.00")).toBeTruthy();
    expect(screen.getByText(/Version 2, pinned/)).toBeTruthy();
  });

  it("reads the category's current chain for a draft", async () => {
    const calls = mockFetch((call) =>
      call.path.endsWith("/chain")
        ? ok({ category: "payment_exception", version: 3, levels: [{ name: "Only", required_role: "admin", required_permission: null, threshold: null, approvers_required: 1 }] })
        : undefined,
    );
    renderAdmin(<ServiceRequestView request={request({ status: "draft", chain: null, approval: null, approvals: [], available_actions: ["submit", "cancel"] })} onChanged={() => {}} />, APPROVER);
    expect(await screen.findByText(/current chain \(version 3\)/)).toBeTruthy();
    expect(calls.some((c) => c.url === "/api/v1/service-request-categories/payment_exception/chain")).toBe(true);
  });

  it("hides approve and reject from a caller without service_request:approve", async () => {
    mockFetch((call) => (call.path.endsWith("/comments") ? listed([{ id: "c1", request_id: "r", author_id: "u", body: "Any news?", created_at: "2026-12-07T08:30:00Z" }]) : undefined));
    renderAdmin(<ServiceRequestView request={request()} onChanged={() => {}} />, READER);
    expect(await screen.findByText("Any news?")).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the permissions are in
    expect(screen.getByText("No action open to you at this stage.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Reject" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Assign" })).toBeNull();
  });

  it("offers only what the API lists as available", async () => {
    mockFetch(() => undefined);
    renderAdmin(<ServiceRequestView request={request({ available_actions: ["start"], status: "approved" })} onChanged={() => {}} />, APPROVER);
    expect(await screen.findByRole("button", { name: "Start work" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
  });

  it("approves after confirming and shows the API's refusal", async () => {
    const calls = mockFetch((call) =>
      call.path.endsWith("/approve")
        ? fail(403, "WFL_005", "You cannot approve your own request")
        : undefined,
    );
    renderAdmin(<ServiceRequestView request={request()} onChanged={() => {}} />, APPROVER);
    fireEvent.click(await screen.findByRole("button", { name: "Approve" }));
    const dialog = await screen.findByRole("dialog", { name: "Approve this request at its pending level?" });
    fireEvent.change(within(dialog).getByRole("textbox", { name: "Comment (optional)" }), { target: { value: "fine" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Approve" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("You cannot approve your own request");
    const call = calls.find((c) => c.url.endsWith("/approve"))!;
    expect(call.url).toBe("/api/v1/service-requests/7d9c0000-0000-4000-8000-000000000001/approve");
    expect(call.method).toBe("POST");
    expect(call.body).toEqual({ comment: "fine" });
  });

  it("rejects only with a reason", async () => {
    const changed = vi.fn();
    const calls = mockFetch((call) =>
      call.path.endsWith("/reject") ? ok(request({ status: "rejected", available_actions: [] })) : undefined,
    );
    renderAdmin(<ServiceRequestView request={request()} onChanged={changed} />, APPROVER);
    fireEvent.click(await screen.findByRole("button", { name: "Reject" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Reject" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Reason/ }), { target: { value: "No budget" } });
    fireEvent.click(confirm);
    await waitFor(() => expect(changed).toHaveBeenCalled());
    const call = calls.find((c) => c.url.endsWith("/reject"))!;
    expect(call.body).toEqual({ reason: "No budget" });
  });

  it("lists comments and adds one", async () => {
    const calls = mockFetch((call) => {
      if (!call.path.endsWith("/comments")) return undefined;
      if (call.method === "POST")
        return created({ id: "c2", request_id: "r", author_id: "staff-1", body: "On it", created_at: "2026-12-07T09:00:00Z" });
      return listed([{ id: "c1", request_id: "r", author_id: "u-requester", body: "Any news?", created_at: "2026-12-07T08:30:00Z" }]);
    });
    renderAdmin(<ServiceRequestView request={request()} onChanged={() => {}} />, APPROVER);
    expect(await screen.findByText("Any news?")).toBeTruthy();
    fireEvent.change(screen.getByRole("textbox", { name: "Comment" }), { target: { value: "On it" } });
    fireEvent.click(screen.getByRole("button", { name: "Add comment" }));
    expect(await screen.findByText("On it")).toBeTruthy();
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.body).toEqual({ body: "On it" });
  });
});
