import PolicyIcon from "@mui/icons-material/Policy";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";

const PolicyList = lazyScreen(() => import("./PolicyList"), "PolicyList");
const PolicyTrace = lazyScreen(() => import("./PolicyTrace"), "PolicyTrace");

const TEXT = { policies: "Access policies" };

/** Access policies and the decision trace (both need policy:manage, scope all, MFA session). */
export const area: Area = {
  menu: [
    {
      to: "/policies",
      label: TEXT.policies,
      icon: <PolicyIcon />,
      group: "Governance",
      requires: { permission: "policy:manage", scope: "all" },
    },
  ],
  routes: [
    <Route key="policies" path="/policies" element={<PolicyList />} />,
    <Route key="policies-why" path="/policies/why" element={<PolicyTrace />} />,
  ],
};
