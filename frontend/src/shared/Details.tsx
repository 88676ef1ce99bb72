/**
 * A record's details as a description list (readable by screen readers): labels in one column,
 * values in the next. `DetailList` holds `Detail` entries (or plain `<dt>`/`<dd>` pairs);
 * `Details` draws a list from [label, value] pairs.
 */
import { Box, Typography } from "@mui/material";
import type { ReactNode } from "react";

export function DetailList({ children }: { children: ReactNode }) {
  return (
    <Box component="dl" sx={{ display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: 2, rowGap: 1, m: 0, "& dd": { m: 0 } }}>
      {children}
    </Box>
  );
}

/** One label and its value (line breaks in the value kept). */
export function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <Typography component="dt" variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, whiteSpace: "pre-wrap" }}>
        {children}
      </Typography>
    </>
  );
}

export function Details({ items }: { items: [string, ReactNode][] }) {
  return (
    <DetailList>
      {items.map(([label, value]) => (
        <Detail key={label} label={label}>
          {value}
        </Detail>
      ))}
    </DetailList>
  );
}
