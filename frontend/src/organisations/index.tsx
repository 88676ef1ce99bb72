import BusinessIcon from "@mui/icons-material/Business";
import { Resource } from "react-admin";
import { type Area, lazyScreen } from "../area";

const OrganisationList = lazyScreen(() => import("./OrganisationList"), "OrganisationList");
const OrganisationShow = lazyScreen(() => import("./OrganisationShow"), "OrganisationShow");

const TEXT = { organisations: "Organisations" };

/** Organisations, their members, teams and invitations; platform managers only
 * (organization:manage is granted at scope all only). The API path is /organizations. */
export const area: Area = {
  menu: [
    {
      to: "/organizations",
      label: TEXT.organisations,
      icon: <BusinessIcon />,
      group: "Governance",
      requires: { permission: "organization:manage", scope: "all" },
    },
  ],
  resources: [<Resource key="organizations" name="organizations" list={OrganisationList} show={OrganisationShow} />],
};
