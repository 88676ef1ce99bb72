import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { callsTo, fail, mockApi, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { PolicyList } from "./PolicyList";
import { PolicyTrace } from "./PolicyTrace";

const policies = [
  {
    name: "segregation_of_duties",
    kind: "segregation_of_duties",
    enabled: true,
    position: 1,
    params: { actions: ["payment:approve"] },
    updated_at: "2026-01-01T00:00:00Z",
    updated_by: null,
  },
  {
    name: "business_hours",
    kind: "business_hours",
    enabled: false,
    position: 2,
    params: { start: "08:00" },
    updated_at: "2026-01-01T00:00:00Z",
    updated_by: null,
  },
];
const evaluation = {
  allowed: false,
  reason: "segregation_of_duties: the maker cannot approve their own payment",
  approval_required: false,
  alert: false,
  emergency_override: false,
  trace: [
    { effect: "allow", policy: "rbac", reason: "role grants payment:approve", approval_required: false, required_permission: "payment:approve", alert: false, emergency_override: false },
    { effect: "deny", policy: "segregation_of_duties", reason: "the maker cannot approve their own payment", approval_required: false, required_permission: null, alert: false, emergency_override: false },
  ],
};

describe("access policies", () => {
  it("lists the policies in evaluation order", async () => {
    mockApi({ "GET /policies": () => ok(policies, { has_more: false }) });
    renderAdmin(<PolicyList />, grants("policy:manage"));
    const row = (await screen.findByText("business_hours")).closest("tr")!;
    expect(within(row).getByText("Business hours")).toBeTruthy();
    expect(within(row).getByText("Off")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Why was this refused?" })).toBeTruthy();
  });

  it("shows the API's refusal when the caller may not list policies", async () => {
    mockApi({ "GET /policies": () => fail(403, "AUTH_006", "Sign in with MFA to use policy:manage") });
    renderAdmin(<PolicyList />, grants());
    expect((await screen.findByRole("alert")).textContent).toBe("Sign in with MFA to use policy:manage");
  });
});

describe("why was this refused", () => {
  it("sends the evaluation request and shows each step's decision and reason", async () => {
    const calls = mockApi({ "POST /policies/evaluate": () => ok(evaluation) });
    renderAdmin(<PolicyTrace />, grants("policy:manage"), "/policies/why?user_id=u-1&action=payment:approve");
    fireEvent.change(await screen.findByRole("textbox", { name: /Resource type/ }), { target: { value: "payment" } });
    fireEvent.change(screen.getByRole("textbox", { name: /Maker ID/ }), { target: { value: "u-1" } });
    fireEvent.change(screen.getByRole("textbox", { name: /Amount/ }), { target: { value: "12500.50" } });
    fireEvent.change(screen.getByRole("textbox", { name: /Currency/ }), { target: { value: "nad" } });
    fireEvent.click(screen.getByRole("button", { name: "Evaluate" }));

    expect(await screen.findByText("Denied")).toBeTruthy();
    const deny = screen.getByText("the maker cannot approve their own payment").closest("tr")!;
    expect(within(deny).getByText("Deny")).toBeTruthy();
    expect(within(deny).getByText("segregation_of_duties")).toBeTruthy();
    await waitFor(() => expect(callsTo(calls, "POST", "/policies/evaluate")).toHaveLength(1));
    expect(callsTo(calls, "POST", "/policies/evaluate")[0]!.body).toEqual({
      user_id: "u-1",
      action: "payment:approve",
      resource: {
        type: "payment",
        id: null,
        owner_id: null,
        organization_id: null,
        classification: "internal",
        maker_id: "u-1",
        amount: "12500.50",
        currency: "NAD",
      },
      at: null,
      emergency_reason: null,
    });
  });

  it("shows the API's message when the evaluation is refused", async () => {
    mockApi({ "POST /policies/evaluate": () => fail(404, "RES_001", "User not found") });
    renderAdmin(<PolicyTrace />, grants("policy:manage"), "/policies/why?user_id=u-x&action=payment:approve&type=payment");
    fireEvent.click(await screen.findByRole("button", { name: "Evaluate" }));
    expect((await screen.findByRole("alert")).textContent).toBe("User not found");
  });
});
