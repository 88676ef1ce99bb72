/** The user-administration calls the screens make (identity and governance APIs). */
import { type ApiClient, api } from "../api/client";
import type { Role, RoleAssignment, User } from "../api/types";

const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

/** PATCH /users/{id} {status: "locked"}: locks the account and ends its sessions. */
export function lockUser(id: string, client: ApiClient = api): Promise<User> {
  return client.data<User>(userPath(id), { method: "PATCH", body: { status: "locked" } });
}

/** POST /users/{id}/unlock: lifts an administrator's lock and any temporary sign-in lock. */
export function unlockUser(id: string, client: ApiClient = api): Promise<User> {
  return client.data<User>(`${userPath(id)}/unlock`, { method: "POST" });
}

/** PUT /users/{id}/roles: the user's complete set of roles (the API checks separation of duties). */
export function assignRoles(
  id: string,
  roles: string[],
  headers: Record<string, string> = {},
  client: ApiClient = api,
): Promise<RoleAssignment> {
  return client.data<RoleAssignment>(`${userPath(id)}/roles`, { method: "PUT", body: { roles }, headers });
}

/** DELETE /users/{id}/devices/{device_id}: signs that device out. */
export async function revokeUserDevice(id: string, deviceId: string, client: ApiClient = api): Promise<void> {
  await client.request(`${userPath(id)}/devices/${encodeURIComponent(deviceId)}`, { method: "DELETE" });
}

/** Every role (GET /roles answers the whole small set on one page). */
export function listRoles(client: ApiClient = api): Promise<Role[]> {
  return client.data<Role[]>("/roles");
}
