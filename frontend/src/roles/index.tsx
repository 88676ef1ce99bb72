import SecurityIcon from "@mui/icons-material/Security";
import { Resource } from "react-admin";
import { type Area, lazyScreen } from "../area";

const RoleEditor = lazyScreen(() => import("./RoleEditor"), "RoleEditor");
const RoleList = lazyScreen(() => import("./RoleList"), "RoleList");
const RoleShow = lazyScreen(() => import("./RoleShow"), "RoleShow");

const TEXT = { roles: "Roles" };

function RoleEdit() {
  return <RoleEditor />;
}

function RoleCreate() {
  return <RoleEditor />;
}

/** Roles and their permissions (role:manage is granted at scope all only, and needs MFA). */
export const area: Area = {
  menu: [
    {
      to: "/roles",
      label: TEXT.roles,
      icon: <SecurityIcon />,
      group: "Governance",
      requires: { permission: "role:manage", scope: "all" },
    },
  ],
  resources: [<Resource key="roles" name="roles" list={RoleList} show={RoleShow} edit={RoleEdit} create={RoleCreate} />],
};
