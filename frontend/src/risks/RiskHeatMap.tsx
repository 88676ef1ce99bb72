/**
 * The 5×5 heat map: how many risks sit at each likelihood × impact, on the inherent or the
 * residual scores. A real table with row and column headers, each cell giving its count and
 * rating in text (colour is an extra, never the only signal).
 */
import { Alert, Box, ToggleButton, ToggleButtonGroup, Typography } from "@mui/material";
import { useState } from "react";
import { api } from "../api/client";
import { useLoaded } from "../shared/useLoaded";
import type { Risk } from "../api/types";
import { type Basis, IMPACTS_DOWN, IMPACT_LABEL, LEVELS, LIKELIHOOD_LABEL, RATING_LABEL, type Rating, heatMap, ratingOf } from "./riskText";

const TEXT = {
  heading: "Risk heat map",
  basis: "Scores shown",
  inherent: "Inherent",
  residual: "Residual",
  caption: (basis: string) => `Number of risks by likelihood and impact (${basis.toLowerCase()} scores)`,
  corner: "Impact ↓ / Likelihood →",
  likelihood: (n: number) => `Likelihood ${n} (${LIKELIHOOD_LABEL[n]})`,
  impact: (n: number) => `Impact ${n} (${IMPACT_LABEL[n]})`,
  risks: (n: number) => (n === 1 ? " risk" : " risks"),
  unassessed: (n: number) => `${n} ${n === 1 ? "risk has" : "risks have"} no residual assessment and ${n === 1 ? "is" : "are"} not shown.`,
  truncated: (n: number) => `Showing the first ${n} risks only.`,
  loading: "Loading…",
  legend: "Bands: low 1–4, medium 5–9, high 10–16, critical 17–25 (score = likelihood × impact).",
};

/** Light backgrounds with dark text (contrast above 4.5:1); the rating is also written. */
const BACKGROUND: Record<Rating, string> = { low: "#e8f5e9", medium: "#fff8e1", high: "#ffe0b2", critical: "#ffcdd2" };

const PAGE = 100;
const MAX_PAGES = 20;
const hidden = { position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap" } as const;

type Filter = Record<string, string | number | boolean | null | undefined>;

/** Every risk matching the list's filters, page by page (at most MAX_PAGES pages). */
export async function fetchRisks(filter: Filter): Promise<{ risks: Risk[]; truncated: boolean }> {
  const risks: Risk[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const envelope = await api.request<Risk[]>("/risks", { query: { ...filter, limit: PAGE, ...(cursor ? { cursor } : {}) } });
    risks.push(...(envelope.data ?? []));
    const next = envelope.meta.has_more === false ? null : envelope.meta.next_cursor;
    if (!next) return { risks, truncated: false };
    cursor = next;
  }
  return { risks, truncated: true };
}

const loadRisks = (filterKey: string) => fetchRisks(JSON.parse(filterKey) as Filter);

export function RiskHeatMap({ filter = {} }: { filter?: Filter }) {
  const [basis, setBasis] = useState<Basis>("inherent");
  const { data, error } = useLoaded(JSON.stringify(filter), loadRisks);
  const label = basis === "inherent" ? TEXT.inherent : TEXT.residual;
  const map = data ? heatMap(data.risks, basis) : null;
  return (
    <Box component="section" aria-labelledby="risk-heat-map-heading" sx={{ p: 2 }}>
      <Box sx={{ display: "flex", alignItems: "center", gap: 2, flexWrap: "wrap", mb: 1 }}>
        <Typography id="risk-heat-map-heading" variant="h6" component="h2">
          {TEXT.heading}
        </Typography>
        <ToggleButtonGroup size="small" exclusive value={basis} onChange={(_, value: Basis | null) => value && setBasis(value)} aria-label={TEXT.basis}>
          <ToggleButton value="inherent">{TEXT.inherent}</ToggleButton>
          <ToggleButton value="residual">{TEXT.residual}</ToggleButton>
        </ToggleButtonGroup>
      </Box>
      {error ? (
        <Alert severity="error">{error}</Alert>
      ) : !map ? (
        <Typography>{TEXT.loading}</Typography>
      ) : (
        <>
          <Box component="table" sx={{ borderCollapse: "collapse", "& th, & td": { border: 1, borderColor: "divider", p: 1, textAlign: "center" } }}>
            <caption style={{ captionSide: "top", textAlign: "left", paddingBottom: 4 }}>{TEXT.caption(label)}</caption>
            <thead>
              <tr>
                <Box component="td" sx={{ fontSize: "0.75rem" }}>
                  {TEXT.corner}
                </Box>
                {LEVELS.map((likelihood) => (
                  <Box component="th" scope="col" key={likelihood} sx={{ fontSize: "0.8rem", maxWidth: 110 }}>
                    {TEXT.likelihood(likelihood)}
                  </Box>
                ))}
              </tr>
            </thead>
            <tbody>
              {IMPACTS_DOWN.map((impact) => (
                <tr key={impact}>
                  <Box component="th" scope="row" sx={{ fontSize: "0.8rem", textAlign: "left" }}>
                    {TEXT.impact(impact)}
                  </Box>
                  {LEVELS.map((likelihood) => {
                    const count = map.counts[likelihood - 1]![impact - 1]!;
                    const rating = ratingOf(likelihood * impact);
                    return (
                      <Box component="td" key={likelihood} data-likelihood={likelihood} data-impact={impact} sx={{ bgcolor: BACKGROUND[rating], color: "#000", minWidth: 72 }}>
                        <Box component="span" sx={{ fontWeight: 700, fontSize: "1.1rem" }}>
                          {count}
                        </Box>
                        <Box component="span" sx={hidden}>
                          {TEXT.risks(count)}
                        </Box>
                        <Box component="span" sx={{ display: "block", fontSize: "0.7rem" }}>
                          {RATING_LABEL[rating]}
                        </Box>
                      </Box>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </Box>
          <Typography variant="body2" sx={{ mt: 1 }}>
            {TEXT.legend}
          </Typography>
          {basis === "residual" && map.unassessed > 0 && <Typography variant="body2">{TEXT.unassessed(map.unassessed)}</Typography>}
          {data?.truncated && <Typography variant="body2">{TEXT.truncated(map.total)}</Typography>}
        </>
      )}
    </Box>
  );
}
