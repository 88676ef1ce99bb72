import { Alert, Box, Link, Stack, Typography } from "@mui/material";
import { useFilePreview } from "../shared/files";

const TEXT = {
  heading: "Invoice PDF",
  frame: "Invoice PDF preview",
  download: "Download invoice PDF",
  loading: "Loading the PDF…",
  draft: "A draft has no PDF: issue it first.",
};

/**
 * GET /invoices/{id}/pdf shown in the page through an object URL (the dashboard's CSP allows
 * `frame-src blob:` for exactly this) and offered for download under the API's file name.
 */
export function InvoicePdf({ invoiceId, isDraft }: { invoiceId: string; isDraft: boolean }) {
  const preview = useFilePreview(`/invoices/${encodeURIComponent(invoiceId)}/pdf`, !isDraft);
  return (
    <Stack spacing={1} component="section" aria-labelledby="invoice-pdf-heading">
      <Typography variant="h6" component="h2" id="invoice-pdf-heading">
        {TEXT.heading}
      </Typography>
      {isDraft && <Typography>{TEXT.draft}</Typography>}
      {preview.loading && <Typography>{TEXT.loading}</Typography>}
      {preview.error && <Alert severity="error">{preview.error}</Alert>}
      {preview.url && (
        <>
          <Link href={preview.url} download={preview.filename ?? "invoice.pdf"}>
            {TEXT.download}
          </Link>
          <Box
            component="iframe"
            title={TEXT.frame}
            src={preview.url}
            sx={{ width: "100%", height: 720, border: 1, borderColor: "divider" }}
          />
        </>
      )}
    </Stack>
  );
}
