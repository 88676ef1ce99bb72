import CompareArrowsIcon from "@mui/icons-material/CompareArrows";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";

import { RECONCILE_PERMISSION } from "./upload";

const ReconciliationPage = lazyScreen(() => import("./ReconciliationPage"), "ReconciliationPage");
const RunShow = lazyScreen(() => import("./RunShow"), "RunShow");

const TEXT = { reconciliation: "Reconciliation" };

export const area: Area = {
  menu: [
    {
      to: "/reconciliation",
      label: TEXT.reconciliation,
      icon: <CompareArrowsIcon />,
      group: "Money",
      requires: RECONCILE_PERMISSION,
    },
  ],
  routes: [
    <Route key="reconciliation" path="/reconciliation" element={<ReconciliationPage />} />,
    <Route key="reconciliation-run" path="/reconciliation/:id" element={<RunShow />} />,
  ],
};
