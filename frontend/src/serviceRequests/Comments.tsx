import { Alert, Box, Button, List, ListItem, ListItemText, Paper, TextField, Typography } from "@mui/material";
import { useState } from "react";
import { api, errorMessage } from "../api/client";
import type { ServiceRequestComment } from "../api/types";
import { formatDateTime } from "../format";
import { useCursorList } from "../shared/cursor";

const TEXT = {
  title: "Comments",
  none: "No comments yet.",
  more: "More comments",
  comment: "Comment",
  add: "Add comment",
  by: (author: string, at: string) => `${author} · ${at}`,
};

const PAGE = 20;

/** A request's comments, oldest first, paged by the API's cursor; anyone who sees it may add one. */
export function Comments({ requestId }: { requestId: string }) {
  const path = `/service-requests/${encodeURIComponent(requestId)}/comments`;
  const comments = useCursorList<ServiceRequestComment>(path, {}, PAGE);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);

  async function add() {
    setBusy(true);
    try {
      const created = await api.data<ServiceRequestComment>(path, { method: "POST", body: { body: draft.trim() } });
      // Oldest first: a new comment belongs at the end once every page is loaded.
      if (!comments.hasMore) comments.append(created);
      setDraft("");
      setError(null);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper component="section" aria-labelledby="sr-comments" variant="outlined" sx={{ p: 2 }}>
      <Typography id="sr-comments" variant="h6" component="h2" gutterBottom>
        {TEXT.title}
      </Typography>
      {(error ?? comments.error) && <Alert severity="error">{error ?? comments.error}</Alert>}
      {comments.items.length === 0 ? (
        <Typography variant="body2">{TEXT.none}</Typography>
      ) : (
        <List dense>
          {comments.items.map((comment) => (
            <ListItem key={comment.id} disableGutters>
              <ListItemText primary={comment.body} secondary={TEXT.by(comment.author_id, formatDateTime(comment.created_at))} />
            </ListItem>
          ))}
        </List>
      )}
      {comments.hasMore && (
        <Button onClick={comments.more} disabled={comments.loading}>
          {TEXT.more}
        </Button>
      )}
      <Box sx={{ display: "flex", gap: 1, alignItems: "flex-start", mt: 1 }}>
        <TextField
          label={TEXT.comment}
          multiline
          minRows={2}
          fullWidth
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          slotProps={{ htmlInput: { maxLength: 2000 } }}
        />
        <Button variant="outlined" disabled={busy || !draft.trim()} onClick={() => void add()}>
          {TEXT.add}
        </Button>
      </Box>
    </Paper>
  );
}
