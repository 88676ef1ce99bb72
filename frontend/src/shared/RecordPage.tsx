/**
 * The frame of a page showing one record read with react-admin's `useGetOne`: the page title,
 * a link back to the list, a spinner while it loads and the API's message when it is refused.
 */
import { Alert, Box, Button, CircularProgress } from "@mui/material";
import type { ReactNode } from "react";
import { Title } from "react-admin";
import { Link as RouterLink } from "react-router-dom";
import { errorMessage } from "../api/client";

export function RecordPage({
  title,
  back,
  backTo,
  loadingLabel,
  loading,
  error,
  children,
}: {
  title: string;
  /** The link back to the list: its text and route. */
  back: string;
  backTo: string;
  /** The spinner's accessible name. */
  loadingLabel: string;
  loading: boolean;
  error: unknown;
  /** The record (once loaded). */
  children?: ReactNode;
}) {
  return (
    <Box sx={{ mt: 1 }}>
      <Title title={title} />
      <Button component={RouterLink} to={backTo} size="small" sx={{ color: "primary.dark" }}>
        {back}
      </Button>
      {loading && <CircularProgress aria-label={loadingLabel} />}
      {Boolean(error) && <Alert severity="error">{errorMessage(error)}</Alert>}
      {children}
    </Box>
  );
}
