/**
 * Files the API answers (reports, exports): saving them, and checking their SHA-256 in the
 * browser. Shared by the operations screens (reports, audit, settlement).
 */
import type { Download } from "../api/client";

/** Save a downloaded file under its name, through a short-lived object URL. */
export function saveDownload(file: Pick<Download, "blob" | "filename">): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = file.filename;
  link.rel = "noopener";
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoke on the next task: the click has started the download by then.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The SHA-256 of a file's bytes, in lower-case hex (Web Crypto; null where unavailable). */
export async function sha256Hex(blob: Blob): Promise<string | null> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return null; // only in an insecure context (plain http on another host)
  return toHex(await subtle.digest("SHA-256", await readBytes(blob)));
}

/** A Blob's bytes (FileReader as the fallback where Blob.arrayBuffer is missing). */
function readBytes(blob: Blob): Promise<ArrayBuffer> {
  if (typeof blob.arrayBuffer === "function") return blob.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener("load", () => resolve(reader.result as ArrayBuffer));
    reader.addEventListener("error", () => reject(reader.error ?? new Error("the file could not be read")));
    reader.readAsArrayBuffer(blob);
  });
}

/**
 * The SHA-256 a `Repr-Digest` header (RFC 9530) names, in hex: `sha-256=:<base64>:`
 * (other algorithms in the list are ignored). Null when the header has none.
 */
export function sha256FromReprDigest(header: string | null | undefined): string | null {
  if (!header) return null;
  for (const member of header.split(",")) {
    const match = /^\s*sha-256\s*=\s*:([A-Za-z0-9+/=]+):\s*$/i.exec(member);
    if (!match?.[1]) continue;
    try {
      const binary = atob(match[1]);
      return toHex(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    } catch {
      return null;
    }
  }
  return null;
}

/** Compare two hex digests (case-insensitive). */
export function sameDigest(a: string | null | undefined, b: string | null | undefined): boolean {
  return Boolean(a && b && a.toLowerCase() === b.toLowerCase());
}
