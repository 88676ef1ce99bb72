/**
 * Pieces the identity and governance screens (users, roles, policies, organisations) share:
 * a confirmation dialog for rights-changing actions that shows the API's refusal, and a
 * server-paged table for nested lists (devices, members, teams, invitations) whose rows have
 * no `id` or live under another record.
 */
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from "@mui/material";
import { type ReactNode, useEffect, useId, useState } from "react";
import { ApiError, api, errorMessage } from "../api/client";

const TEXT = {
  cancel: "Cancel",
  emergency: "Emergency reason",
  emergencyHelp: "Why this cannot wait for business hours; the change is audited and raised as an alert",
  previous: "Previous page",
  next: "Next page",
  page: (n: number) => `Page ${n}`,
  loading: "Loading…",
  empty: "Nothing to show",
};

/** The header the business-hours policy names when a change may be forced with a reason. */
export const EMERGENCY_HEADER = "X-Emergency-Reason";

/** Does this refusal say that an emergency reason (the `X-Emergency-Reason` header) would allow it? */
export function asksForEmergencyReason(error: unknown): boolean {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return false;
  return (error.details as { header?: unknown }[]).some((d) => d.header === EMERGENCY_HEADER);
}

export interface Confirmed {
  /** The reason typed (trimmed), when the dialog asks for one. */
  reason: string;
  /** Headers to send: the emergency reason once the API asked for one. */
  headers: Record<string, string>;
}

/**
 * Asks before a rights-changing action; runs `onConfirm`, shows the API's message when it is
 * refused (and, when the refusal names `X-Emergency-Reason`, a field to send one with a retry).
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  reasonLabel,
  reasonRequired = false,
  onConfirm,
  onClose,
  destructive = false,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** Show a reason field with this label (where the API takes a reason). */
  reasonLabel?: string;
  reasonRequired?: boolean;
  onConfirm: (confirmed: Confirmed) => Promise<void>;
  onClose: () => void;
  destructive?: boolean;
}) {
  const titleId = useId();
  const [reason, setReason] = useState("");
  const [emergency, setEmergency] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const headers: Record<string, string> = emergency?.trim() ? { [EMERGENCY_HEADER]: emergency.trim() } : {};
      await onConfirm({ reason: reason.trim(), headers });
      onClose();
    } catch (failure) {
      setError(errorMessage(failure)); // the API's own reason (segregation of duties, last admin, ...)
      if (asksForEmergencyReason(failure) && emergency === null) setEmergency("");
    } finally {
      setBusy(false);
    }
  }

  const missingReason = reasonRequired && !reason.trim();
  const missingEmergency = emergency !== null && !emergency.trim();
  return (
    <Dialog open onClose={onClose} onClick={(event) => event.stopPropagation()} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        {children && <DialogContentText component="div">{children}</DialogContentText>}
        {reasonLabel && (
          <TextField
            autoFocus
            fullWidth
            margin="normal"
            label={reasonLabel}
            required={reasonRequired}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            slotProps={{ htmlInput: { maxLength: 500 } }}
          />
        )}
        {emergency !== null && (
          <TextField
            fullWidth
            margin="normal"
            label={TEXT.emergency}
            helperText={TEXT.emergencyHelp}
            required
            value={emergency}
            onChange={(event) => setEmergency(event.target.value)}
            slotProps={{ htmlInput: { maxLength: 500 } }}
          />
        )}
        {error && (
          <Alert severity="error" role="alert" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{TEXT.cancel}</Button>
        <Button
          variant="contained"
          color={destructive ? "error" : "primary"}
          disabled={busy || missingReason || missingEmergency}
          onClick={confirm}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface Paged<T> {
  rows: T[];
  loading: boolean;
  error: string | null;
  page: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next: () => void;
  previous: () => void;
  reload: () => void;
}

/** One page of an API list at a time (`limit` + `cursor`); paging stays on the server. */
export function usePaged<T>(path: string, limit = 10, query: Query = {}): Paged<T> {
  const queryKey = JSON.stringify(query);
  const [cursors, setCursors] = useState<string[]>([]); // cursors[i] opens page i + 2
  const [generation, setGeneration] = useState(0);
  const cursor = cursors[cursors.length - 1];
  // The page asked for; a result for another key is stale (still loading the new one).
  const key = JSON.stringify([path, queryKey, limit, cursor ?? null, generation]);
  const [result, setResult] = useState<{ key: string; rows: T[]; nextCursor: string | null; error: string | null }>();

  useEffect(() => {
    let live = true;
    const [, q, size, at] = JSON.parse(key) as [string, string, number, string | null, number];
    api
      .request<T[]>(path, { query: { ...(JSON.parse(q) as Query), limit: size, ...(at ? { cursor: at } : {}) } })
      .then((envelope) => {
        const next = envelope.meta.has_more === false ? null : (envelope.meta.next_cursor ?? null);
        if (live) setResult({ key, rows: envelope.data ?? [], nextCursor: next, error: null });
      })
      .catch((failure: unknown) => {
        if (live) setResult({ key, rows: [], nextCursor: null, error: errorMessage(failure) });
      });
    return () => {
      live = false;
    };
  }, [path, key]);

  const current = result?.key === key ? result : undefined;
  const nextCursor = current?.nextCursor ?? null;
  return {
    rows: current?.rows ?? [],
    loading: current === undefined,
    error: current?.error ?? null,
    page: cursors.length + 1,
    hasNext: Boolean(nextCursor),
    hasPrevious: cursors.length > 0,
    next: () => {
      if (nextCursor) setCursors((c) => [...c, nextCursor]);
    },
    previous: () => setCursors((c) => c.slice(0, -1)),
    reload: () => {
      setCursors([]);
      setGeneration((n) => n + 1);
    },
  };
}

export interface Column<T> {
  label: string;
  render: (row: T) => ReactNode;
}

/** A table of one server page, with its own previous/next buttons. */
export function PagedTable<T>({
  title,
  paged,
  columns,
  rowKey,
}: {
  title: string;
  paged: Paged<T>;
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
        <TableHead>
          <TableRow>
            {columns.map((column) => (
              <TableCell key={column.label} component="th" scope="col">
                {column.label}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
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
      {(paged.hasPrevious || paged.hasNext) && (
        <Stack direction="row" spacing={1} alignItems="center" sx={{ mt: 1 }}>
          <Button size="small" disabled={!paged.hasPrevious} onClick={paged.previous} aria-label={`${title}: ${TEXT.previous}`}>
            {TEXT.previous}
          </Button>
          <Typography variant="body2">{TEXT.page(paged.page)}</Typography>
          <Button size="small" disabled={!paged.hasNext} onClick={paged.next} aria-label={`${title}: ${TEXT.next}`}>
            {TEXT.next}
          </Button>
        </Stack>
      )}
    </section>
  );
}

/** A label/value list for a record's details (a description list, readable by screen readers). */
export function Details({ items }: { items: [string, ReactNode][] }) {
  return (
    <Stack component="dl" spacing={1} sx={{ m: 0 }}>
      {items.map(([label, value]) => (
        <Stack key={label} direction="row" spacing={2}>
          <Typography component="dt" variant="body2" color="text.secondary" sx={{ minWidth: 180 }}>
            {label}
          </Typography>
          <Typography component="dd" variant="body2" sx={{ m: 0 }}>
            {value}
          </Typography>
        </Stack>
      ))}
    </Stack>
  );
}
