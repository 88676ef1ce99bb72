import type { Download } from "../api/client";

/** Hands a downloaded file to the browser under the API's file name. */
export function saveDownload(file: Download): void {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = file.filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
