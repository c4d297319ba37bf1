import type { RoomVars } from "../room/config";
import type { ListRoom } from "../room/ListRoom";

export interface Env extends RoomVars {
  LIST_ROOM: DurableObjectNamespace<ListRoom>;
  ASSETS: Fetcher;
}

/** There is one list; every request reaches the object of this name. */
export const ROOM_NAME = "main";
