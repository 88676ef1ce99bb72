/** The data backend/tests/browser/test_dashboard.py seeded, from the file E2E_FIXTURES names. */
import { readFileSync } from "node:fs";

export interface Person {
  username: string;
  email: string;
  password: string;
  id: string;
  totp_secret: string | null;
  totp_last_step: number;
  roles: string[];
  wallet_id: string | null;
}

export interface PendingTransfer {
  id: string;
  amount: string;
  initiated_by: string;
}

export interface Fixtures {
  users: { admin: Person; approver: Person; colleague: Person; support: Person };
  customer: Person;
  payee: Person;
  transfers: {
    customer_mouse: PendingTransfer;
    customer_keyboard: PendingTransfer;
    customer_left: PendingTransfer;
    approver_own: PendingTransfer;
  };
  approval_threshold: string;
}

let loaded: Fixtures | null = null;

export function fixtures(): Fixtures {
  if (!loaded) {
    const path = process.env.E2E_FIXTURES;
    if (!path) throw new Error("E2E_FIXTURES is not set: run the suite through backend/tests/browser (see its docstring)");
    loaded = JSON.parse(readFileSync(path, "utf8")) as Fixtures;
  }
  return loaded;
}
