/** A table of one server page (`useCursorPage`), with its own previous/next buttons. */
import { Alert, Table, TableBody, TableCell, TableRow, Typography } from "@mui/material";
import { type ReactNode, useId } from "react";
import type { CursorPage } from "./cursor";
import { Pager } from "./Pager";
import { TableHeader } from "./TableHeader";

const TEXT = {
  loading: "Loading…",
  empty: "Nothing to show",
};

export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

export function PagedTable<T>({
  title,
  paged,
  columns,
  rowKey,
}: {
  title: string;
  paged: CursorPage<T>;
  columns: Column<T>[];
  rowKey: (row: T) => string;
}) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <Typography id={headingId} variant="h6" component="h2" sx={{ mt: 3, mb: 1 }}>
        {title}
      </Typography>
      {paged.error && (
        <Alert severity="error" role="alert">
          {paged.error}
        </Alert>
      )}
      <Table size="small" aria-labelledby={headingId}>
        <TableHeader labels={columns.map((column) => column.label)} />
        <TableBody>
          {paged.rows.map((row) => (
            <TableRow key={rowKey(row)}>
              {columns.map((column) => (
                <TableCell key={column.label}>{column.render(row)}</TableCell>
              ))}
            </TableRow>
          ))}
          {!paged.rows.length && !paged.error && (
            <TableRow>
              <TableCell colSpan={columns.length}>{paged.loading ? TEXT.loading : TEXT.empty}</TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      <Pager paged={paged} label={title} showPage />
    </section>
  );
}
