import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { BreachNotification, Incident } from "../api/types";
import { type Handler, created, fail, file, mockApi, ok } from "../test/api";
import { grants } from "../test/permissions";
import { renderAdmin } from "../test/render";
import { BreachClock, formatSpan, readClock } from "./BreachClock";
import { recordBody } from "./BreachPanel";
import { IncidentList } from "./IncidentList";
import { IncidentView, allowedActions } from "./IncidentPage";
import { NewIncident } from "./NewIncident";

/** What `answer` leaves unanswered gets an empty list. */
const mockFetch = (answer: Handler) => mockApi(answer, () => ok([]));

const MANAGER = grants("incident:read", "incident:manage");
const READER = grants("incident:read");

const NOW = new Date("2026-12-08T10:00:00Z");
const ID = "1c1d0000-0000-4000-8000-000000000001";

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: ID,
    type: "privacy",
    title: "Customer export e-mailed to the wrong address",
    description: "A CSV with 40 customers' details was sent outside.",
    status: "open",
    priority: "P2",
    impact: 1,
    urgency: 2,
    severity: "high",
    source: "manual",
    alarm_key: null,
    reported_by: "staff-1",
    owner_id: null,
    affected_systems: ["crm"],
    data_categories: ["contact details"],
    affected_subjects: 40,
    root_cause: null,
    remediation: null,
    post_incident_actions: null,
    resolution_note: null,
    opened_at: "2026-12-06T08:00:00Z",
    acknowledged_at: null,
    investigating_at: null,
    resolved_at: null,
    closed_at: null,
    personal_information_compromised: false,
    timeline: [{ at: "2026-12-06T08:00:00Z", actor: "staff-1", kind: "opened", note: null, data: {} }],
    ...overrides,
  } as Incident;
}

function breach(overrides: Partial<BreachNotification> = {}): BreachNotification {
  return {
    incident_id: ID,
    discovered_at: "2026-12-07T14:00:00Z",
    recorded_at: "2026-12-07T15:00:00Z",
    recorded_by: "staff-1",
    regulator_notified_at: null,
    regulator_reference: null,
    subjects_notified_at: null,
    channel: null,
    consequences: "Phishing risk",
    measures: "Recall requested",
    recommendations: "Beware of e-mails",
    unauthorised_party: null,
    target_hours: 72,
    due_at: "2026-12-10T14:00:00Z",
    complete: false,
    overdue: false,
    within_target: null,
    escalations: 0,
    last_escalated_at: null,
    ...overrides,
  } as BreachNotification;
}

describe("the s22 clock", () => {
  it("reads the time left, or how late, against a given now", () => {
    expect(readClock(breach(), NOW).text).toBe("Notify the regulator within 2 d 4 h");
    expect(readClock(breach({ due_at: "2026-12-08T07:00:00Z" }), NOW)).toEqual({ text: "Overdue by 3 h", overdue: true });
    expect(readClock(breach({ regulator_notified_at: "2026-12-08T09:00:00Z", due_at: "2026-12-08T10:45:00Z" }), NOW).text).toBe(
      "Notify the data subjects within 45 min",
    );
    expect(
      readClock(breach({ regulator_notified_at: "2026-12-08T09:00:00Z", subjects_notified_at: "2026-12-08T09:30:00Z", due_at: "2026-12-01T00:00:00Z" }), NOW),
    ).toEqual({ text: "The regulator and the data subjects are notified", overdue: false });
    expect(formatSpan(90 * 60_000)).toBe("1 h 30 min");
  });

  it("renders as a timer", () => {
    render(<BreachClock breach={breach({ due_at: "2026-12-08T06:30:00Z" })} now={NOW} />);
    expect(screen.getByRole("timer").textContent).toBe("Overdue by 3 h 30 min");
  });
});

describe("incident page", () => {
  it("shows the breach panel with the API's deadline and downloads the letter", async () => {
    const calls = mockFetch((call) => {
      if (call.path.endsWith("/breach-notification")) return ok(breach());
      if (call.path.endsWith("/letter"))
        return file("letter.txt", "letter", "text/plain");
      return undefined;
    });
    URL.createObjectURL = vi.fn(() => "blob:x");
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    renderAdmin(<IncidentView incident={incident({ personal_information_compromised: true })} now={NOW} onChanged={() => {}} reload={() => {}} />, MANAGER);
    const panel = await screen.findByRole("region", { name: "Breach notification (s22)" });
    expect((await within(panel).findByRole("timer")).textContent).toBe("Notify the regulator within 2 d 4 h");
    expect(within(panel).getByText(/Target: 72 h after discovery/)).toBeTruthy();
    expect(within(panel).getByRole("button", { name: "Update notification" })).toBeTruthy();
    fireEvent.click(within(panel).getByRole("button", { name: "Download letter (text)" }));
    await waitFor(() => expect(calls.some((c) => c.url === `/api/v1/incidents/${ID}/breach-notification/letter?format=text`)).toBe(true));
    await waitFor(() => expect(click).toHaveBeenCalled());
  });

  it("offers to record a breach when none is recorded, and sends the s22 content", async () => {
    const reload = vi.fn();
    const calls = mockFetch((call) =>
      call.path.endsWith("/breach-notification") && call.method === "POST" ? created(breach()) : undefined,
    );
    renderAdmin(<IncidentView incident={incident()} now={NOW} onChanged={() => {}} reload={reload} />, MANAGER);
    const panel = await screen.findByRole("region", { name: "Breach notification (s22)" });
    expect(within(panel).queryByRole("timer")).toBeNull();
    fireEvent.click(await within(panel).findByRole("button", { name: "Record breach notification" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText(/Discovered at/), { target: { value: "2026-12-07T16:00" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Possible consequences/ }), { target: { value: "Phishing risk" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /Measures taken/ }), { target: { value: "Recall requested" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: /What the data subjects should do/ }), { target: { value: "Beware" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(reload).toHaveBeenCalled());
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.url).toBe(`/api/v1/incidents/${ID}/breach-notification`);
    const body = post.body as { discovered_at: string };
    expect(body).toMatchObject({ consequences: "Phishing risk", measures: "Recall requested", recommendations: "Beware" });
    expect(body.discovered_at).toBe(new Date("2026-12-07T16:00").toISOString());
  });

  it("hides every change from a reader", async () => {
    mockFetch((call) => (call.path.endsWith("/breach-notification") ? ok(breach()) : undefined));
    renderAdmin(<IncidentView incident={incident({ personal_information_compromised: true })} now={NOW} onChanged={() => {}} reload={() => {}} />, READER);
    const panel = await screen.findByRole("region", { name: "Breach notification (s22)" });
    expect(await within(panel).findByRole("timer")).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the permissions are in
    expect(screen.getByText("Priority P2")).toBeTruthy();
    expect(within(panel).getByRole("button", { name: "Download letter (PDF)" })).toBeTruthy();
    expect(within(panel).queryByRole("button", { name: "Update notification" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Acknowledge" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Add note" })).toBeNull();
  });

  it("follows the state machine and shows the API's refusal", async () => {
    const calls = mockFetch((call) =>
      call.path.endsWith("/acknowledge")
        ? fail(409, "INC_002", "The incident cannot be acknowledged from its current status")
        : undefined,
    );
    renderAdmin(<IncidentView incident={incident()} now={NOW} onChanged={() => {}} reload={() => {}} />, MANAGER);
    expect(await screen.findByRole("button", { name: "Investigate" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Close incident" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Acknowledge" }));
    const dialog = await screen.findByRole("dialog", { name: "Acknowledge this incident?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Acknowledge" }));
    expect((await within(dialog).findByRole("alert")).textContent).toBe("The incident cannot be acknowledged from its current status");
    expect(calls.some((c) => c.url === `/api/v1/incidents/${ID}/acknowledge` && c.method === "POST")).toBe(true);
    expect(allowedActions("resolved")).toEqual(["close"]);
    expect(allowedActions("closed")).toEqual([]);
  });

  it("adds a note to the timeline", async () => {
    const changed = vi.fn();
    const calls = mockFetch((call) => (call.path.endsWith("/timeline") ? ok(incident()) : undefined));
    renderAdmin(<IncidentView incident={incident()} now={NOW} onChanged={changed} reload={() => {}} />, MANAGER);
    fireEvent.change(await screen.findByRole("textbox", { name: "Note" }), { target: { value: "Called the recipient" } });
    fireEvent.click(screen.getByRole("button", { name: "Add note" }));
    await waitFor(() => expect(changed).toHaveBeenCalled());
    const post = calls.find((c) => c.url.endsWith("/timeline"))!;
    expect(post.body).toEqual({ note: "Called the recipient" });
  });
});

describe("incidents list and form", () => {
  it("lists incidents with their priority as text and filters through the API", async () => {
    const calls = mockFetch((call) =>
      call.path === "/incidents"
        ? ok([incident({ priority: "P1" })])
        : undefined,
    );
    renderAdmin(<IncidentList />, MANAGER);
    const link = await screen.findByRole("link", { name: "Customer export e-mailed to the wrong address" });
    const row = link.closest("tr")!;
    expect(within(row).getByText("P1")).toBeTruthy();
    expect(within(row).getByText("Privacy")).toBeTruthy();
    expect(await screen.findByRole("button", { name: "New incident" })).toBeTruthy();
    expect(new URL(calls[0]!.url, "http://x").pathname).toBe("/api/v1/incidents");
  });

  it("opens an incident with the form's fields", async () => {
    const calls = mockFetch((call) => (call.path === "/incidents" && call.method === "POST" ? created(incident()) : undefined));
    renderAdmin(<NewIncident />, MANAGER);
    fireEvent.change(await screen.findByLabelText(/^Type/), { target: { value: "security" } });
    fireEvent.change(screen.getByLabelText(/^Title/), { target: { value: "Brute force on staff login" } });
    fireEvent.change(screen.getByLabelText(/^Description/), { target: { value: "Many failed sign-ins" } });
    fireEvent.change(screen.getByLabelText(/^Impact/), { target: { value: "1" } });
    fireEvent.change(screen.getByLabelText(/^Urgency/), { target: { value: "3" } });
    fireEvent.change(screen.getByLabelText(/^Affected systems/), { target: { value: "auth, api " } });
    fireEvent.click(screen.getByRole("button", { name: "Open incident" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.body).toEqual({
      type: "security",
      title: "Brute force on staff login",
      description: "Many failed sign-ins",
      impact: 1,
      urgency: 3,
      affected_systems: ["auth", "api"],
      data_categories: [],
    });
  });

  it("shows the API's refusal when opening fails", async () => {
    mockFetch((call) =>
      call.method === "POST" && call.path === "/incidents"
        ? fail(422, "INC_004", "Impact and urgency must be levels of the priority matrix")
        : undefined,
    );
    renderAdmin(<NewIncident />, MANAGER);
    fireEvent.change(await screen.findByLabelText(/^Type/), { target: { value: "privacy" } });
    fireEvent.change(screen.getByLabelText(/^Title/), { target: { value: "Lost laptop" } });
    fireEvent.change(screen.getByLabelText(/^Description/), { target: { value: "Unencrypted" } });
    fireEvent.click(screen.getByRole("button", { name: "Open incident" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Impact and urgency must be levels of the priority matrix");
  });
});

describe("breach record body", () => {
  it("leaves blank optional fields out", () => {
    const body = recordBody({ discovered_at: "2026-12-07T16:00", consequences: " a ", measures: "b", recommendations: "c", unauthorised_party: "", channel: "" });
    expect(body).toEqual({ discovered_at: new Date("2026-12-07T16:00").toISOString(), consequences: "a", measures: "b", recommendations: "c" });
  });
});
