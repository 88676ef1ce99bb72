/** A table's header row: one column header cell per label (those in `right` aligned right, e.g. amounts). */
import { TableCell, TableHead, TableRow } from "@mui/material";

export function TableHeader({ labels, right = [] }: { labels: string[]; right?: string[] }) {
  return (
    <TableHead>
      <TableRow>
        {labels.map((label) => (
          <TableCell key={label} component="th" scope="col" align={right.includes(label) ? "right" : "left"}>
            {label}
          </TableCell>
        ))}
      </TableRow>
    </TableHead>
  );
}
