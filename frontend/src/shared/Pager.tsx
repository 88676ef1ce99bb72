/** Previous/next buttons for a list read one server page at a time (`useCursorPage`); nothing when there is one page. */
import { Button, Stack, Typography } from "@mui/material";
import type { CursorPage } from "./cursor";

const TEXT = {
  previous: "Previous page",
  next: "Next page",
  page: (n: number) => `Page ${n}`,
};

export function Pager({
  paged,
  previousLabel = TEXT.previous,
  nextLabel = TEXT.next,
  label,
  showPage = false,
}: {
  paged: Pick<CursorPage<unknown>, "page" | "hasPrevious" | "hasNext" | "previous" | "next">;
  previousLabel?: string;
  nextLabel?: string;
  /** What is paged, for the buttons' accessible names ("Devices: Next page") where a page has several pagers. */
  label?: string;
  /** Show "Page n" between the buttons. */
  showPage?: boolean;
}) {
  if (!paged.hasPrevious && !paged.hasNext) return null;
  const named = (text: string) => (label ? `${label}: ${text}` : undefined);
  return (
    <Stack direction="row" spacing={1} alignItems="center" sx={{ mt: 1 }}>
      <Button size="small" disabled={!paged.hasPrevious} onClick={paged.previous} aria-label={named(previousLabel)}>
        {previousLabel}
      </Button>
      {showPage && <Typography variant="body2">{TEXT.page(paged.page)}</Typography>}
      <Button size="small" disabled={!paged.hasNext} onClick={paged.next} aria-label={named(nextLabel)}>
        {nextLabel}
      </Button>
    </Stack>
  );
}
