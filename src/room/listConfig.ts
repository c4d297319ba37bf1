/**
 * The list's own settings, read from its vars by the one table of variables
 * (src/config/variables.ts), beside the engine's (src/delivery/config.ts):
 * how fast the whole list may take saves, and what it may hold.
 */
import { readWholeNumber, type Vars } from "../config/variables";

/** The vars the list reads itself. */
export type ListVars = Vars<"LIST_SAVES_PER_MINUTE" | "LIST_MAX_ITEMS" | "LIST_MAX_BYTES" | "OWNER_KEY">;

export interface ListCeilings {
  items: number;
  textBytes: number;
}

export interface ListConfig {
  /** Sustained saves per minute to the whole list, from every limited address together. */
  listSavesPerMinute: number;
  /** What one list may hold: live items, and bytes of their text (UTF-8). */
  ceilings: ListCeilings;
}

export function readListConfig(vars: ListVars): ListConfig {
  return {
    listSavesPerMinute: readWholeNumber("LIST_SAVES_PER_MINUTE", vars),
    ceilings: { items: readWholeNumber("LIST_MAX_ITEMS", vars), textBytes: readWholeNumber("LIST_MAX_BYTES", vars) },
  };
}
