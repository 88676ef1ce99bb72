import { act, fireEvent, renderHook, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { callsTo, fail, mockApi, ok } from "../test/api";
import { renderAdmin } from "../test/render";
import { api } from "../api/client";
import { ActionDialog, type Confirmed, EMERGENCY_HEADER } from "./ActionDialog";
import { useCursorPage } from "./cursor";
import { sameDigest, sha256FromReprDigest } from "./files";

// The first render of a file loads react-admin and MUI: slow on a busy machine.
const SLOW = 30_000;

describe("useCursorPage", () => {
  it("pages with the cursor the API answered, back again, and restarts from the first page", async () => {
    const calls = mockApi({
      "GET /things": (call) =>
        call.query.get("cursor") === "c2" ? ok([{ n: 2 }], { has_more: false, next_cursor: null }) : ok([{ n: 1 }], { has_more: true, next_cursor: "c2" }),
    });
    const { result } = renderHook(() => useCursorPage<{ n: number }>("/things", { status: "open" }, 1));
    await waitFor(() => expect(result.current.rows).toEqual([{ n: 1 }]));
    expect(result.current).toMatchObject({ page: 1, hasNext: true, hasPrevious: false });
    expect(calls[0]!.query.get("status")).toBe("open");
    expect(calls[0]!.query.get("limit")).toBe("1");

    act(() => result.current.next());
    await waitFor(() => expect(result.current.rows).toEqual([{ n: 2 }]));
    expect(result.current).toMatchObject({ page: 2, hasNext: false, hasPrevious: true });
    expect(calls.at(-1)!.query.get("cursor")).toBe("c2");

    act(() => result.current.restart());
    await waitFor(() => expect(result.current.rows).toEqual([{ n: 1 }]));
    expect(result.current.page).toBe(1);
    expect(callsTo(calls, "GET", "/things")).toHaveLength(3);
  });

  it("carries the API's message when the list is refused", async () => {
    mockApi({ "GET /things": fail(403, "AUTH_003", "Not allowed here") });
    const { result } = renderHook(() => useCursorPage("/things"));
    await waitFor(() => expect(result.current.error).toBe("Not allowed here"));
    expect(result.current.loading).toBe(false);
  });
});

describe("ActionDialog", () => {
  it(
    "sends the typed reason, shows a refusal inside the dialog and retries with an emergency reason when the API names the header",
    async () => {
      // A refusal naming the emergency header, as the API answers it.
      const calls = mockApi({
        "POST /act": (call) =>
          call.headers.get(EMERGENCY_HEADER)
            ? ok({})
            : fail(403, "GOV_010", "Outside business hours", [{ header: EMERGENCY_HEADER, message: "give a reason" }]),
      });
      const onConfirm = ({ reason, headers }: Confirmed) => api.data("/act", { method: "POST", body: { reason }, headers });
      const onClose = vi.fn();
      renderAdmin(<ActionDialog title="Lock this user?" confirmLabel="Lock" reasonLabel="Reason" reasonRequired emergencyRetry onConfirm={onConfirm} onClose={onClose} />);

      const confirm = await screen.findByRole("button", { name: "Lock" }, { timeout: SLOW });
      expect((confirm as HTMLButtonElement).disabled).toBe(true); // the reason is required
      fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: "  court order  " } });
      fireEvent.click(confirm);
      expect((await screen.findByRole("alert")).textContent).toContain("Outside business hours");
      expect(onClose).not.toHaveBeenCalled();

      fireEvent.change(screen.getByLabelText(/^Emergency reason/), { target: { value: "Fraud in progress" } });
      fireEvent.click(screen.getByRole("button", { name: "Lock" }));
      await waitFor(() => expect(onClose).toHaveBeenCalled());
      const posts = callsTo(calls, "POST", "/act");
      expect(posts[0]!.body).toEqual({ reason: "court order" });
      expect(posts[1]!.headers.get(EMERGENCY_HEADER)).toBe("Fraud in progress");
    },
    SLOW * 2,
  );
});

describe("Repr-Digest", () => {
  it("reads the SHA-256 of a Repr-Digest header as hex and compares case-insensitively", () => {
    // sha-256 of the empty string
    const hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const b64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    expect(sha256FromReprDigest(`sha-512=:AAAA:, sha-256=:${b64}:`)).toBe(hex);
    expect(sha256FromReprDigest(null)).toBeNull();
    expect(sameDigest(hex.toUpperCase(), hex)).toBe(true);
    expect(sameDigest(null, hex)).toBe(false);
  });
});
