/** Every screen area, in menu order. */
import type { Area } from "./area";
import { area as approvals } from "./approvals";
import { area as audit } from "./audit";
import { area as home } from "./home";
import { area as incidents } from "./incidents";
import { area as invoices } from "./invoices";
import { area as organisations } from "./organisations";
import { area as policies } from "./policies";
import { area as privacy } from "./privacy";
import { area as reconciliation } from "./reconciliation";
import { area as reports } from "./reports";
import { area as risks } from "./risks";
import { area as roles } from "./roles";
import { area as serviceRequests } from "./serviceRequests";
import { area as settlement } from "./settlement";
import { area as sla } from "./sla";
import { area as transactions } from "./transactions";
import { area as users } from "./users";
import { area as vehicles } from "./vehicles";
import { area as wallets } from "./wallets";

export const AREAS: Area[] = [
  home,
  approvals,
  serviceRequests,
  incidents,
  sla,
  privacy,
  wallets,
  transactions,
  invoices,
  vehicles,
  reconciliation,
  settlement,
  users,
  roles,
  policies,
  organisations,
  risks,
  audit,
  reports,
];
