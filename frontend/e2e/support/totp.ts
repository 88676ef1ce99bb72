/**
 * RFC 6238 TOTP (SHA-1, 6 digits, 30 s steps) on node:crypto, and the replay rule the API
 * enforces: each time step is accepted once per user. A spec that signs a user in again
 * waits for the next step; the steps already spent are remembered in a small file, so the
 * rule holds across spec files (and the seed's own sign-ins, given in the fixtures).
 */
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const STEP_SECONDS = 30;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 (no padding needed) to bytes. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, "").replace(/\s+/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP with dynamic truncation. */
export function hotp(secret: string, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", base32Decode(secret)).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, "0");
}

export function stepAt(epochMs: number): number {
  return Math.floor(epochMs / 1000 / STEP_SECONDS);
}

export function totp(secret: string, step = stepAt(Date.now())): string {
  return hotp(secret, step);
}

const STATE = join(dirname(process.env.E2E_FIXTURES ?? "test-results/fixtures.json"), "totp-steps.json");

function spentSteps(): Record<string, number> {
  return existsSync(STATE) ? (JSON.parse(readFileSync(STATE, "utf8")) as Record<string, number>) : {};
}

/**
 * A code for `username` from a time step the API has not accepted yet for that user:
 * waits (at most one step) when the current step is spent, then records it as spent.
 */
export async function freshCode(username: string, secret: string, seedLastStep = 0): Promise<string> {
  const last = Math.max(spentSteps()[username] ?? 0, seedLastStep);
  while (stepAt(Date.now()) <= last) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const step = stepAt(Date.now());
  mkdirSync(dirname(STATE), { recursive: true });
  writeFileSync(STATE, JSON.stringify({ ...spentSteps(), [username]: step }));
  return totp(secret, step);
}
