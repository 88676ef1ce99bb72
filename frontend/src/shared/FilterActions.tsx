/** A react-admin list's top toolbar: the filter menu, then the list's own buttons. */
import { Box } from "@mui/material";
import type { ReactNode } from "react";
import { FilterButton, TopToolbar } from "react-admin";

/** Text buttons darker than MUI's default primary (contrast on the page background). */
export const DARK_BUTTONS = { "& .MuiButton-root": { color: "primary.dark" } } as const;

export function FilterActions({ children }: { children?: ReactNode }) {
  return (
    <TopToolbar>
      <Box sx={DARK_BUTTONS}>
        <FilterButton />
      </Box>
      {children}
    </TopToolbar>
  );
}
