import AccountBalanceWalletIcon from "@mui/icons-material/AccountBalanceWallet";
import { Resource } from "react-admin";
import { type Area, lazyScreen } from "../area";

const WalletList = lazyScreen(() => import("./WalletList"), "WalletList");
const WalletShow = lazyScreen(() => import("./WalletShow"), "WalletShow");

const TEXT = { wallets: "Wallets" };

/** Read-only: staff (payment:create at scope all, as the API's staff test) read any wallet. */
export const area: Area = {
  menu: [
    {
      to: "/wallets",
      label: TEXT.wallets,
      icon: <AccountBalanceWalletIcon />,
      group: "Money",
      requires: { permission: "payment:create", scope: "all" },
    },
  ],
  resources: [<Resource key="wallets" name="wallets" list={WalletList} show={WalletShow} />],
};
