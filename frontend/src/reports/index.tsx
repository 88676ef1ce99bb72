import AssessmentIcon from "@mui/icons-material/Assessment";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";
/** Who may generate reports (the API refuses everyone else). */
const REPORT_PERMISSION = "report:generate";

const ReportsPage = lazyScreen(() => import("./ReportsPage"), "ReportsPage");

const TEXT = { reports: "Regulatory reports" };

export const area: Area = {
  menu: [{ to: "/reports", label: TEXT.reports, icon: <AssessmentIcon />, group: "Compliance", requires: REPORT_PERMISSION }],
  routes: [<Route key="reports" path="/reports" element={<ReportsPage />} />],
};
