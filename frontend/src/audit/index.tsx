import FactCheckIcon from "@mui/icons-material/FactCheck";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";
import { AUDIT_VIEW } from "./auditApi";

const AuditPage = lazyScreen(() => import("./AuditPage"), "AuditPage");

const TEXT = { audit: "Audit log" };

export const area: Area = {
  menu: [
    {
      to: "/audit",
      label: TEXT.audit,
      icon: <FactCheckIcon />,
      group: "Compliance",
      // Scoped readers see only the entries in their reach (the API narrows the list); a
      // grant on one's own records never opens this staff screen.
      requires: { permission: AUDIT_VIEW, scope: "organization" },
    },
  ],
  routes: [<Route key="audit" path="/audit" element={<AuditPage />} />],
};
