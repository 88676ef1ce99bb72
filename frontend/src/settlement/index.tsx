import AccountBalanceIcon from "@mui/icons-material/AccountBalance";
import { Route } from "react-router-dom";
import { type Area, lazyScreen } from "../area";
import { SETTLE_PERMISSION } from "./batches";

const BatchShow = lazyScreen(() => import("./BatchShow"), "BatchShow");
const SettlementPage = lazyScreen(() => import("./SettlementPage"), "SettlementPage");

const TEXT = { settlement: "Settlement batches" };

export const area: Area = {
  menu: [
    {
      to: "/settlement",
      label: TEXT.settlement,
      icon: <AccountBalanceIcon />,
      group: "Money",
      requires: SETTLE_PERMISSION,
    },
  ],
  routes: [
    <Route key="settlement" path="/settlement" element={<SettlementPage />} />,
    <Route key="settlement-batch" path="/settlement/:id" element={<BatchShow />} />,
  ],
};
