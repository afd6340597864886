// The Offload case API for TypeScript: openapi-fetch, typed by `schema.d.ts`, which
// scripts/gen-clients.sh generates from openapi.json with openapi-typescript. Hand-written: this
// file only; regenerate the schema, never edit it.
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };
/** Every schema of openapi.json by name: `Schemas["CaseView"]`, `Schemas["CreateCaseBody"]`, … */
export type Schemas = components["schemas"];
export type OffloadClient = Client<paths>;

/**
 * A client for every route of openapi.json. Requests carry the API key in `x-api-key`; answers
 * are `{ data, error, response }`, `data` typed by the route's success schema (`{ ok, data }`)
 * and `error` by its error schema (`{ ok: false, error: { code, message, requestId } }`).
 */
export function createOffloadClient(
  baseUrl: string,
  apiKey: string,
  options: Omit<ClientOptions, "baseUrl" | "headers"> = {},
): OffloadClient {
  return createClient<paths>({ ...options, baseUrl, headers: { "x-api-key": apiKey } });
}
