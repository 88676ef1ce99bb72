/** Names for the generated API types the dashboard uses (src/api/schema.d.ts is generated). */
import type { components } from "./schema";

export type Schemas = components["schemas"];
export type Transaction = Schemas["Transaction"];
