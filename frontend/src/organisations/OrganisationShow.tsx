import { Button, Card, CardContent, Stack } from "@mui/material";
import { useState } from "react";
import { Link, Show, useNotify, useRecordContext, useRefresh } from "react-admin";
import { type ApiClient, api } from "../api/client";
import type { Organization, OrganizationInvitation, OrganizationMember, Team } from "../api/types";
import { formatDateTime } from "../format";
import { Can } from "../permissions";
import { ActionDialog } from "../shared/ActionDialog";
import { useCursorPage } from "../shared/cursor";
import { Details } from "../shared/Details";
import { PagedTable } from "../shared/PagedTable";
import { STATUS_TEXT } from "./OrganisationList";

type StatusAction = "suspend" | "reactivate" | "close";

const TEXT = {
  title: (org?: Organization) => (org ? `Organisation ${org.name}` : "Organisation"),
  name: "Name",
  registration: "Registration number",
  vat: "VAT number",
  status: "Status",
  created: "Registered",
  updated: "Last changed",
  none: "—",
  members: "Members",
  user: "User",
  orgRole: "Role in organisation",
  added: "Added",
  teams: "Teams",
  team: "Team",
  description: "Description",
  memberCount: "Members",
  invitations: "Invitations",
  invitee: "Invitee",
  invitationStatus: "Status",
  invited: "Invited",
  expires: "Expires",
  orgRoles: { org_admin: "Organisation admin", member: "Member" } as Record<string, string>,
  invitationStatuses: {
    pending: "Pending",
    accepted: "Accepted",
    declined: "Declined",
    cancelled: "Cancelled",
    expired: "Expired",
  } as Record<string, string>,
  actions: {
    suspend: {
      button: "Suspend organisation",
      title: "Suspend this organisation?",
      explained: "Its organisation admins can then only read it until it is reactivated.",
      done: "Organisation suspended",
    },
    reactivate: {
      button: "Reactivate organisation",
      title: "Reactivate this organisation?",
      explained: "Its organisation admins can manage it again.",
      done: "Organisation reactivated",
    },
    close: {
      button: "Close organisation",
      title: "Close this organisation for good?",
      explained: "A closed organisation is read-only and cannot be reactivated.",
      done: "Organisation closed",
    },
  } satisfies Record<StatusAction, { button: string; title: string; explained: string; done: string }>,
};

/** POST /organizations/{id}/suspend|reactivate|close (platform managers; no reason is taken). */
export function changeStatus(id: string, action: StatusAction, client: ApiClient = api): Promise<Organization> {
  return client.data<Organization>(`/organizations/${encodeURIComponent(id)}/${action}`, { method: "POST" });
}

/** Which status changes an organisation in `status` allows. */
function actionsFor(status: Organization["status"]): StatusAction[] {
  if (status === "active") return ["suspend", "close"];
  if (status === "suspended") return ["reactivate", "close"];
  return [];
}

export function OrganisationShow({ id }: { id?: string }) {
  return (
    <Show<Organization> resource="organizations" id={id} title={<OrganisationTitle />} actions={false}>
      <OrganisationDetails />
    </Show>
  );
}

function OrganisationTitle() {
  const org = useRecordContext<Organization>();
  return <span>{TEXT.title(org)}</span>;
}

function OrganisationDetails() {
  const org = useRecordContext<Organization>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [pending, setPending] = useState<StatusAction | null>(null);
  if (!org) return null;
  const orgId = String(org.id);
  return (
    <CardContent>
      <Details
        items={[
          [TEXT.name, org.name],
          [TEXT.registration, org.registration_number ?? TEXT.none],
          [TEXT.vat, org.vat_number ?? TEXT.none],
          [TEXT.status, STATUS_TEXT[org.status] ?? org.status],
          [TEXT.created, formatDateTime(org.created_at)],
          [TEXT.updated, formatDateTime(org.updated_at)],
        ]}
      />
      <Can permission={{ permission: "organization:manage", scope: "all" }}>
        <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
          {actionsFor(org.status).map((action) => (
            <Button
              key={action}
              variant="outlined"
              color={action === "reactivate" ? "primary" : "error"}
              onClick={() => setPending(action)}
            >
              {TEXT.actions[action].button}
            </Button>
          ))}
        </Stack>
      </Can>
      {pending && (
        <ActionDialog
          title={TEXT.actions[pending].title}
          confirmLabel={TEXT.actions[pending].button}
          danger={pending !== "reactivate"}
          onClose={() => setPending(null)}
          onConfirm={async () => {
            await changeStatus(orgId, pending);
            notify(TEXT.actions[pending].done, { type: "success" });
            refresh();
          }}
          emergencyRetry
          description={
            <>
            {org.name}. {TEXT.actions[pending].explained}
            </>
          }
        />
      )}
      <Members orgId={orgId} />
      <Teams orgId={orgId} />
      <Invitations orgId={orgId} />
    </CardContent>
  );
}

const userLink = (userId: string) => (
  <Link to={`/users/${encodeURIComponent(userId)}/show`}>{userId}</Link>
);

function Members({ orgId }: { orgId: string }) {
  const paged = useCursorPage<OrganizationMember>(`/organizations/${encodeURIComponent(orgId)}/members`, {}, 10);
  return (
    <Card variant="outlined" sx={{ mt: 3, p: 2 }}>
      <PagedTable<OrganizationMember>
        title={TEXT.members}
        paged={paged}
        rowKey={(m) => m.user_id}
        columns={[
          { label: TEXT.user, render: (m) => userLink(m.user_id) },
          { label: TEXT.orgRole, render: (m) => TEXT.orgRoles[m.org_role] ?? m.org_role },
          { label: TEXT.added, render: (m) => formatDateTime(m.added_at) },
        ]}
      />
    </Card>
  );
}

function Teams({ orgId }: { orgId: string }) {
  const paged = useCursorPage<Team>(`/organizations/${encodeURIComponent(orgId)}/teams`, {}, 10);
  return (
    <Card variant="outlined" sx={{ mt: 3, p: 2 }}>
      <PagedTable<Team>
        title={TEXT.teams}
        paged={paged}
        rowKey={(t) => t.id}
        columns={[
          { label: TEXT.team, render: (t) => t.name },
          { label: TEXT.description, render: (t) => t.description ?? TEXT.none },
          { label: TEXT.memberCount, render: (t) => String(t.members.length) },
        ]}
      />
    </Card>
  );
}

function Invitations({ orgId }: { orgId: string }) {
  const paged = useCursorPage<OrganizationInvitation>(`/organizations/${encodeURIComponent(orgId)}/invitations`, {}, 10);
  return (
    <Card variant="outlined" sx={{ mt: 3, p: 2 }}>
      <PagedTable<OrganizationInvitation>
        title={TEXT.invitations}
        paged={paged}
        rowKey={(i) => i.id}
        columns={[
          { label: TEXT.invitee, render: (i) => userLink(i.user_id) },
          { label: TEXT.orgRole, render: (i) => TEXT.orgRoles[i.org_role] ?? i.org_role },
          { label: TEXT.invitationStatus, render: (i) => TEXT.invitationStatuses[i.status] ?? i.status },
          { label: TEXT.invited, render: (i) => formatDateTime(i.created_at) },
          { label: TEXT.expires, render: (i) => formatDateTime(i.expires_at) },
        ]}
      />
    </Card>
  );
}
