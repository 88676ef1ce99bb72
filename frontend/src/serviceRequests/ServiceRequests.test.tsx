import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { AdminContext, type AuthProvider } from "react-admin";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../api/client";
import type { ServiceRequest } from "../api/types";
import { createDataProvider } from "../dataProvider";
import type { Permissions } from "../permissions";
import { ServiceRequestBoard } from "./ServiceRequestBoard";
import { ServiceRequestView } from "./ServiceRequestPage";

type Answer = (url: URL, init: RequestInit | undefined) => Response | undefined;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function listed(data: unknown[], meta: Record<string, unknown> = {}): Response {
  return json(200, { status: "success", data, meta: { has_more: false, next_cursor: null, limit: 10, ...meta }, timestamp: "t" });
}

function mockFetch(answer: Answer) {
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://x");
    return answer(url, init) ?? listed([]);
  });
  vi.spyOn(globalThis, "fetch").mockImplementation(fetch);
  return fetch;
}

function renderWith(permissions: Permissions, ui: ReactNode) {
  const authProvider: AuthProvider = {
    login: async () => {},
    logout: async () => {},
    checkAuth: async () => {},
    checkError: async () => {},
    getPermissions: async () => permissions,
    getIdentity: async () => ({ id: "staff-1", fullName: "Staff One" }),
  };
  render(
    <AdminContext dataProvider={createDataProvider(api)} authProvider={authProvider}>
      {ui}
    </AdminContext>,
  );
}

const APPROVER: Permissions = {
  roles: ["finance"],
  permissions: ["service_request:read", "service_request:approve", "service_request:manage"],
  withheld: [],
  scopes: { "service_request:read": "all", "service_request:approve": "all", "service_request:manage": "all" },
};
const READER: Permissions = {
  roles: ["support"],
  permissions: ["service_request:read"],
  withheld: [],
  scopes: { "service_request:read": "all" },
};

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

afterEach(() => vi.restoreAllMocks());

describe("service request board", () => {
  it("shows one column per API state, each filled from its own query", async () => {
    const fetch = mockFetch((url) => {
      if (url.pathname !== "/api/v1/service-requests") return undefined;
      const status = url.searchParams.get("status");
      if (status === "submitted") return listed([request({ status: "submitted", title: "New laptop", id: "a" })], { total: 1 });
      if (status === "approved" && url.searchParams.get("cursor") === "c2")
        return listed([request({ status: "approved", title: "Second page", id: "c" })], { total: 11 });
      if (status === "approved")
        return listed([request({ status: "approved", title: "Refund duplicate", id: "b", overdue: true })], {
          total: 11,
          has_more: true,
          next_cursor: "c2",
        });
      return listed([], { total: 0 });
    });
    renderWith(APPROVER, <ServiceRequestBoard />);

    const submitted = await screen.findByRole("region", { name: "Submitted (1)" });
    expect(within(submitted).getByRole("link", { name: "New laptop" }).getAttribute("href")).toContain("/service-requests/a");
    const approved = await screen.findByRole("region", { name: "Approved (11)" });
    expect(within(approved).getByText("Refund duplicate")).toBeTruthy();
    expect(within(approved).getByText("Overdue")).toBeTruthy();
    expect(within(approved).getByText("N$12,500.00")).toBeTruthy();
    expect(await screen.findByRole("region", { name: "In progress (0)" })).toBeTruthy();
    expect(within(submitted).queryByRole("button", { name: /More/ })).toBeNull();

    const statuses = fetch.mock.calls.map(([input]) => new URL(String(input), "http://x").searchParams.get("status"));
    expect(new Set(statuses)).toEqual(
      new Set(["draft", "submitted", "in_review", "approved", "in_progress", "completed", "rejected", "cancelled"]),
    );

    fireEvent.click(within(approved).getByRole("button", { name: "More: Approved" }));
    expect(await within(approved).findByText("Second page")).toBeTruthy();
    await waitFor(() => {
      const more = fetch.mock.calls.map(([input]) => new URL(String(input), "http://x")).find((u) => u.searchParams.get("cursor") === "c2");
      expect(more?.searchParams.get("status")).toBe("approved");
      expect(more?.searchParams.get("limit")).toBe("10");
    });
  });
});

describe("service request page", () => {
  it("shows the pinned chain with each level's state and the approvals", async () => {
    mockFetch(() => undefined);
    renderWith(APPROVER, <ServiceRequestView request={request()} onChanged={() => {}} />);
    const chain = await screen.findByRole("table", { name: "Approval chain" });
    const rows = within(chain).getAllByRole("row");
    expect(within(rows[1]!).getByText("Approved")).toBeTruthy();
    expect(within(rows[2]!).getByText("Waiting")).toBeTruthy();
    expect(within(rows[2]!).getByText("0 / 2")).toBeTruthy();
    expect(within(rows[2]!).getByText("N$10,000.00")).toBeTruthy();
    expect(screen.getByText(/Version 2, pinned/)).toBeTruthy();
  });

  it("reads the category's current chain for a draft", async () => {
    const fetch = mockFetch((url) =>
      url.pathname.endsWith("/chain")
        ? json(200, { status: "success", data: { category: "payment_exception", version: 3, levels: [{ name: "Only", required_role: "admin", required_permission: null, threshold: null, approvers_required: 1 }] }, timestamp: "t" })
        : undefined,
    );
    renderWith(APPROVER, <ServiceRequestView request={request({ status: "draft", chain: null, approval: null, approvals: [], available_actions: ["submit", "cancel"] })} onChanged={() => {}} />);
    expect(await screen.findByText(/current chain \(version 3\)/)).toBeTruthy();
    expect(fetch.mock.calls.some(([input]) => String(input) === "/api/v1/service-request-categories/payment_exception/chain")).toBe(true);
  });

  it("hides approve and reject from a caller without service_request:approve", async () => {
    mockFetch((url) => (url.pathname.endsWith("/comments") ? listed([{ id: "c1", request_id: "r", author_id: "u", body: "Any news?", created_at: "2026-12-07T08:30:00Z" }]) : undefined));
    renderWith(READER, <ServiceRequestView request={request()} onChanged={() => {}} />);
    expect(await screen.findByText("Any news?")).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the permissions are in
    expect(screen.getByText("No action open to you at this stage.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Reject" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Assign" })).toBeNull();
  });

  it("offers only what the API lists as available", async () => {
    mockFetch(() => undefined);
    renderWith(APPROVER, <ServiceRequestView request={request({ available_actions: ["start"], status: "approved" })} onChanged={() => {}} />);
    expect(await screen.findByRole("button", { name: "Start work" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
  });

  it("approves after confirming and shows the API's refusal", async () => {
    const fetch = mockFetch((url) =>
      url.pathname.endsWith("/approve")
        ? json(403, { status: "error", error: { code: "WFL_005", message: "You cannot approve your own request", details: null } })
        : undefined,
    );
    renderWith(APPROVER, <ServiceRequestView request={request()} onChanged={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: "Approve" }));
    const dialog = await screen.findByRole("dialog", { name: "Approve this request at its pending level?" });
    fireEvent.change(within(dialog).getByRole("textbox", { name: "Comment (optional)" }), { target: { value: "fine" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Approve" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("You cannot approve your own request");
    const call = fetch.mock.calls.find(([input]) => String(input).endsWith("/approve"))!;
    expect(String(call[0])).toBe("/api/v1/service-requests/7d9c0000-0000-4000-8000-000000000001/approve");
    expect(call[1]?.method).toBe("POST");
    expect(JSON.parse(String(call[1]?.body))).toEqual({ comment: "fine" });
  });

  it("rejects only with a reason", async () => {
    const changed = vi.fn();
    const fetch = mockFetch((url) =>
      url.pathname.endsWith("/reject") ? json(200, { status: "success", data: request({ status: "rejected", available_actions: [] }), timestamp: "t" }) : undefined,
    );
    renderWith(APPROVER, <ServiceRequestView request={request()} onChanged={changed} />);
    fireEvent.click(await screen.findByRole("button", { name: "Reject" }));
    const dialog = await screen.findByRole("dialog");
    const confirm = within(dialog).getByRole("button", { name: "Reject" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Reason/ }), { target: { value: "No budget" } });
    fireEvent.click(confirm);
    await waitFor(() => expect(changed).toHaveBeenCalled());
    const call = fetch.mock.calls.find(([input]) => String(input).endsWith("/reject"))!;
    expect(JSON.parse(String(call[1]?.body))).toEqual({ reason: "No budget" });
  });

  it("lists comments and adds one", async () => {
    const fetch = mockFetch((url, init) => {
      if (!url.pathname.endsWith("/comments")) return undefined;
      if (init?.method === "POST")
        return json(201, { status: "success", data: { id: "c2", request_id: "r", author_id: "staff-1", body: "On it", created_at: "2026-12-07T09:00:00Z" }, timestamp: "t" });
      return listed([{ id: "c1", request_id: "r", author_id: "u-requester", body: "Any news?", created_at: "2026-12-07T08:30:00Z" }]);
    });
    renderWith(APPROVER, <ServiceRequestView request={request()} onChanged={() => {}} />);
    expect(await screen.findByText("Any news?")).toBeTruthy();
    fireEvent.change(screen.getByRole("textbox", { name: "Comment" }), { target: { value: "On it" } });
    fireEvent.click(screen.getByRole("button", { name: "Add comment" }));
    expect(await screen.findByText("On it")).toBeTruthy();
    const post = fetch.mock.calls.find(([, init]) => init?.method === "POST")!;
    expect(JSON.parse(String(post[1]?.body))).toEqual({ body: "On it" });
  });
});
