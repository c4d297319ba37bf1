/**
 * A page older than the server's protocol reloads itself to update, but at
 * most once per protocol version in a tab: if the reload brought the same
 * old code back (the new build not out yet, or an old service worker still
 * in charge), reloading again would loop. The mark lives in
 * `sessionStorage`, which survives a reload and dies with the tab.
 */
import { PROTOCOL_VERSION } from "../../protocol/frames";
import type { KeyValueStore } from "../core/outbox";

export const RELOADED_FOR_KEY = "listroom.reloadedForProtocol";

/**
 * Whether to reload now for a server speaking `protocol`; true once, and
 * never when the mark cannot be kept (no storage would mean no guard).
 *
 * @example
 * shouldReloadFor(sessionStorage, 4) // true: reload
 * shouldReloadFor(sessionStorage, 4) // false, after that reload: show "Reload to update" instead
 */
export function shouldReloadFor(store: KeyValueStore, protocol: number): boolean {
  try {
    if (store.getItem(RELOADED_FOR_KEY) === String(protocol)) return false;
    store.setItem(RELOADED_FOR_KEY, String(protocol));
    return store.getItem(RELOADED_FOR_KEY) === String(protocol);
  } catch {
    return false;
  }
}

/** Whether this tab already reloaded for a protocol newer than this code's: the reload did not bring the update. */
export function reloadedForNewerProtocol(store: KeyValueStore | null, pageProtocol: number = PROTOCOL_VERSION): boolean {
  try {
    return Number(store?.getItem(RELOADED_FOR_KEY) ?? 0) > pageProtocol;
  } catch {
    return false;
  }
}
