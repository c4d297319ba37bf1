/** The Worker's entry point: the routes, and the Durable Object classes they address. */
import { app } from "./app";

export { ListRoom } from "../room/ListRoom";
export { ListQuota } from "./listQuota";

export default app;
