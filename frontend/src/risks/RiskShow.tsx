/** One risk: its assessment (inherent and residual), treatment, controls and review history. */
import { Card, CardContent, Link, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import type { ReactNode } from "react";
import { EditButton, Show, TopToolbar, useRecordContext } from "react-admin";
import { Link as RouterLink } from "react-router-dom";
import type { Risk, RiskReview } from "../api/types";
import { formatDateTime } from "../format";
import { Can } from "../permissions";
import { DARK_BUTTONS } from "../shared/FilterActions";
import { RISK_MANAGE } from "./RiskList";
import { ReviewButton } from "./ReviewButton";
import { CATEGORY_LABEL, IMPACT_LABEL, LIKELIHOOD_LABEL, STATUS_LABEL, TREATMENT_LABEL, scoreText } from "./riskText";
import { Detail, DetailList } from "../shared/Details";

const TEXT = {
  title: "Risk",
  edit: "Edit risk",
  assessment: "Assessment",
  treatmentHeading: "Treatment",
  controls: "Controls",
  reviews: "Reviews",
  incidents: "Linked incidents",
  description: "Description",
  asset: "Asset",
  threat: "Threat",
  vulnerability: "Vulnerability",
  category: "Category",
  inherent: "Inherent",
  residual: "Residual",
  rating: "Current rating",
  treatment: "Treatment",
  plan: "Treatment plan",
  status: "Status",
  owner: "Owner",
  reviewEvery: "Review every",
  reviewDate: "Next review",
  lastReviewed: "Last reviewed",
  overdue: "Review overdue",
  notReviewed: "Never",
  none: "None",
  days: (n: number) => `${n} days`,
  lxi: (likelihood: number | null, impact: number | null) =>
    likelihood === null || impact === null
      ? ""
      : `likelihood ${likelihood} (${LIKELIHOOD_LABEL[likelihood]}) × impact ${impact} (${IMPACT_LABEL[impact]}) = `,
  name: "Name",
  type: "Type",
  reference: "Reference",
  noControls: "No controls linked.",
  noReviews: "Not reviewed yet.",
  reviewedAt: "Reviewed",
  reviewedBy: "By",
  note: "Note",
  change: "Change",
  nextReview: "Next review",
  noChange: "No change in scores",
};



function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

function score(value: unknown): string {
  return typeof value === "number" ? String(value) : "—";
}

/** "inherent 12 → 8; residual — → 4" from a review's before/after snapshot. */
export function reviewChange(review: Pick<RiskReview, "before" | "after">): string {
  const parts: string[] = [];
  for (const side of ["inherent", "residual"] as const) {
    const from = score(review.before[`${side}_score`]);
    const to = score(review.after[`${side}_score`]);
    if (from !== to) parts.push(`${side} ${from} → ${to}`);
  }
  return parts.length ? parts.join("; ") : TEXT.noChange;
}

function RiskDetail() {
  const risk = useRecordContext<Risk>();
  if (!risk) return null;
  return (
    <Stack spacing={2} sx={{ p: 2 }}>
      <Typography variant="h5" component="h1">
        {risk.title}
      </Typography>
      <Section title={TEXT.assessment}>
        <DetailList>
          <Detail label={TEXT.description}>{risk.description}</Detail>
          <Detail label={TEXT.category}>{CATEGORY_LABEL[risk.category] ?? risk.category}</Detail>
          <Detail label={TEXT.asset}>{risk.asset}</Detail>
          <Detail label={TEXT.threat}>{risk.threat}</Detail>
          <Detail label={TEXT.vulnerability}>{risk.vulnerability ?? TEXT.none}</Detail>
          <Detail label={TEXT.inherent}>
            {TEXT.lxi(risk.likelihood, risk.impact)}
            {scoreText(risk.inherent_score, risk.inherent_rating)}
          </Detail>
          <Detail label={TEXT.residual}>
            {TEXT.lxi(risk.residual_likelihood, risk.residual_impact)}
            {scoreText(risk.residual_score, risk.residual_rating)}
          </Detail>
        </DetailList>
      </Section>
      <Section title={TEXT.treatmentHeading}>
        <DetailList>
          <Detail label={TEXT.treatment}>{risk.treatment ? TREATMENT_LABEL[risk.treatment] : TEXT.none}</Detail>
          <Detail label={TEXT.plan}>{risk.treatment_plan ?? TEXT.none}</Detail>
          <Detail label={TEXT.status}>{STATUS_LABEL[risk.status] ?? risk.status}</Detail>
          <Detail label={TEXT.owner}>{risk.owner_id ?? TEXT.none}</Detail>
          <Detail label={TEXT.reviewEvery}>{TEXT.days(risk.review_interval_days)}</Detail>
          <Detail label={TEXT.reviewDate}>{risk.overdue ? `${risk.review_date} · ${TEXT.overdue}` : risk.review_date}</Detail>
          <Detail label={TEXT.lastReviewed}>{risk.last_reviewed_at ? formatDateTime(risk.last_reviewed_at) : TEXT.notReviewed}</Detail>
        </DetailList>
      </Section>
      <Section title={TEXT.controls}>
        {risk.controls.length === 0 ? (
          <Typography>{TEXT.noControls}</Typography>
        ) : (
          <Table size="small" aria-label={TEXT.controls}>
            <TableHead>
              <TableRow>
                <TableCell>{TEXT.name}</TableCell>
                <TableCell>{TEXT.type}</TableCell>
                <TableCell>{TEXT.status}</TableCell>
                <TableCell>{TEXT.reference}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {risk.controls.map((c) => (
                <TableRow key={c.id}>
                  <TableCell>
                    {c.name}
                    <Typography variant="body2" color="text.secondary">
                      {c.description}
                    </Typography>
                  </TableCell>
                  <TableCell>{c.type}</TableCell>
                  <TableCell>{c.status}</TableCell>
                  <TableCell>{c.reference ?? ""}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>
      <Section title={TEXT.reviews}>
        {risk.reviews.length === 0 ? (
          <Typography>{TEXT.noReviews}</Typography>
        ) : (
          <Table size="small" aria-label={TEXT.reviews}>
            <TableHead>
              <TableRow>
                <TableCell>{TEXT.reviewedAt}</TableCell>
                <TableCell>{TEXT.reviewedBy}</TableCell>
                <TableCell>{TEXT.note}</TableCell>
                <TableCell>{TEXT.change}</TableCell>
                <TableCell>{TEXT.nextReview}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {risk.reviews.map((review) => (
                <TableRow key={review.id}>
                  <TableCell>{formatDateTime(review.reviewed_at)}</TableCell>
                  <TableCell>{review.reviewed_by}</TableCell>
                  <TableCell>{review.note}</TableCell>
                  <TableCell>{reviewChange(review)}</TableCell>
                  <TableCell>{review.review_date_after}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>
      {risk.incident_ids.length > 0 && (
        <Section title={TEXT.incidents}>
          <Stack component="ul" sx={{ m: 0, pl: 3 }}>
            {risk.incident_ids.map((id) => (
              <li key={id}>
                <Link component={RouterLink} to={`/incidents/${encodeURIComponent(id)}/show`}>
                  {id}
                </Link>
              </li>
            ))}
          </Stack>
        </Section>
      )}
    </Stack>
  );
}

function Actions() {
  const risk = useRecordContext<Risk>();
  return (
    <TopToolbar sx={DARK_BUTTONS}>
      {risk && <ReviewButton risk={risk} />}
      <Can permission={RISK_MANAGE}>
        <EditButton label={TEXT.edit} />
      </Can>
    </TopToolbar>
  );
}

export function RiskShow() {
  return (
    <Show<Risk> resource="risks" title={TEXT.title} actions={<Actions />}>
      <RiskDetail />
    </Show>
  );
}
