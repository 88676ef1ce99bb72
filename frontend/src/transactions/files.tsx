/**
 * Files the API answers (statements, receipts, invoice PDFs), shared by the money screens:
 * fetched with the bearer token through `api.download`, saved through a short-lived object URL
 * and an `<a download>`, or previewed in the page through an object URL revoked on unmount.
 */
import { Alert, Button, type ButtonProps } from "@mui/material";
import { useEffect, useState } from "react";
import { type Download, type RequestOptions, api, errorMessage } from "../api/client";

const TEXT = { downloading: "Downloading…" };

/** Save a downloaded file under the name the API gave it. */
export function saveFile(file: Download): void {
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
      saveFile(await api.download(path, { query }));
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
