import ReceiptLongIcon from "@mui/icons-material/ReceiptLong";
import { Resource } from "react-admin";
import { type Area, lazyScreen } from "../area";

const TransactionList = lazyScreen(() => import("./TransactionList"), "TransactionList");
const TransactionShow = lazyScreen(() => import("./TransactionShow"), "TransactionShow");

const TEXT = { transactions: "Transactions" };

/** Read-only: staff (payment:create at scope all, as the API's staff test) see every transaction. */
export const area: Area = {
  menu: [
    {
      to: "/transactions",
      label: TEXT.transactions,
      icon: <ReceiptLongIcon />,
      group: "Money",
      requires: { permission: "payment:create", scope: "all" },
    },
  ],
  resources: [<Resource key="transactions" name="transactions" list={TransactionList} show={TransactionShow} />],
};
