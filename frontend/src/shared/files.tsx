/**
 * Files the API answers (statements, receipts, invoice PDFs, reports, exports, breach notices):
 * fetched with the bearer token through `api.download`, saved through a short-lived object URL
 * and an `<a download>`, previewed in the page through an object URL revoked on unmount, and
 * checked in the browser against the SHA-256 the API names (`Repr-Digest`, RFC 9530).
 */
import { Alert, Button, type ButtonProps } from "@mui/material";
import { useEffect, useState } from "react";
import { type Download, type RequestOptions, api, errorMessage } from "../api/client";

const TEXT = { downloading: "Downloading…" };

/** Save a downloaded file under the name the API gave it. */
export function saveDownload(file: Pick<Download, "blob" | "filename">): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = file.filename;
  link.rel = "noopener";
  link.style.display = "none";
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoked once the browser has taken the file (some need the URL a moment after the click).
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }
}

/**
 * A button fetching `path` and saving the file; the API's refusal (a 404 for a transaction
 * that paid no invoice, a 403) is shown next to it in an alert.
 */
export function DownloadButton({
  path,
  query,
  label,
  variant = "outlined",
  ...rest
}: {
  path: string;
  query?: RequestOptions["query"];
  label: string;
} & Omit<ButtonProps, "onClick">) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      saveDownload(await api.download(path, { query }));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button variant={variant} disabled={busy} onClick={download} {...rest}>
        {busy ? TEXT.downloading : label}
      </Button>
      {error && (
        <Alert severity="error" role="alert" sx={{ mt: 1 }}>
          {error}
        </Alert>
      )}
    </>
  );
}

export interface FilePreview {
  url: string | null;
  filename: string | null;
  error: string | null;
  loading: boolean;
}

interface Fetched {
  path: string;
  url: string | null;
  filename: string | null;
  error: string | null;
}

/** Fetch `path` (when `enabled`) and hold an object URL for it, revoked when it changes or unmounts. */
export function useFilePreview(path: string, enabled = true): FilePreview {
  const [fetched, setFetched] = useState<Fetched | null>(null);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let url: string | null = null;
    api
      .download(path, { signal: controller.signal })
      .then((file) => {
        if (controller.signal.aborted) return;
        url = URL.createObjectURL(file.blob);
        setFetched({ path, url, filename: file.filename, error: null });
      })
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setFetched({ path, url: null, filename: null, error: errorMessage(failure) });
      });
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, enabled]);

  if (!enabled) return { url: null, filename: null, error: null, loading: false };
  if (fetched?.path !== path) return { url: null, filename: null, error: null, loading: true };
  return { url: fetched.url, filename: fetched.filename, error: fetched.error, loading: false };
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
