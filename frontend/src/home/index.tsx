import type { Area } from "../area";

export const area: Area = { menu: [] };
