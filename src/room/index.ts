/** What the Worker may use of the room: the object's class and the types of its RPCs. */
export { ListRoom, type ListQuery } from "./ListRoom";
export type { ChangeRequest, Saved } from "./itemCommands";
export type { Page } from "../shared/logEntry";
export type { RoomUsage } from "../delivery/platform/usage";
