import PeopleIcon from "@mui/icons-material/People";
import { Resource } from "react-admin";
import { type Area, lazyScreen } from "../area";

const UserList = lazyScreen(() => import("./UserList"), "UserList");
const UserShow = lazyScreen(() => import("./UserShow"), "UserShow");

const TEXT = { users: "Users" };

/**
 * User accounts. The menu opens for `user:read` reaching at least an organisation: platform
 * staff (scope all) see everyone, organisation desks (scope organization) their members, as the
 * API filters; a customer's own-scope grant never opens it.
 */
export const area: Area = {
  menu: [
    {
      to: "/users",
      label: TEXT.users,
      icon: <PeopleIcon />,
      group: "Governance",
      requires: { permission: "user:read", scope: "organization" },
    },
  ],
  resources: [<Resource key="users" name="users" list={UserList} show={UserShow} />],
};
