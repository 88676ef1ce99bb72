import PrivacyTipIcon from "@mui/icons-material/PrivacyTip";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";

const PrivacyRequestList = lazyScreen(() => import("./PrivacyRequestList"), "PrivacyRequestList");
const PrivacyRequestPage = lazyScreen(() => import("./PrivacyRequestPage"), "PrivacyRequestPage");

const TEXT = { privacy: "Privacy requests" };

export const area: Area = {
  menu: [
    {
      to: "/privacy",
      label: TEXT.privacy,
      icon: <PrivacyTipIcon />,
      group: "Compliance",
      requires: { permission: "privacy:read", scope: "all" },
    },
  ],
  routes: [
    <Route key="privacy" path="/privacy" element={<PrivacyRequestList />} />,
    <Route key="privacy-request" path="/privacy/:id" element={<PrivacyRequestPage />} />,
  ],
};
