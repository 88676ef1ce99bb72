import RequestQuoteIcon from "@mui/icons-material/RequestQuote";
import { Resource } from "react-admin";
import { type Area, lazyScreen } from "../area";

const InvoiceList = lazyScreen(() => import("./InvoiceList"), "InvoiceList");
const InvoiceShow = lazyScreen(() => import("./InvoiceShow"), "InvoiceShow");

const TEXT = { invoices: "Invoices" };

/** Staff (invoice:read at scope all) read every invoice; customers' own-scope grant never opens it. */
export const area: Area = {
  menu: [
    {
      to: "/invoices",
      label: TEXT.invoices,
      icon: <RequestQuoteIcon />,
      group: "Money",
      requires: { permission: "invoice:read", scope: "all" },
    },
  ],
  resources: [<Resource key="invoices" name="invoices" list={InvoiceList} show={InvoiceShow} />],
};
