/** The Worker's entry point: the routes, and the Durable Object class they address. */
import { app } from "./app";

export { ListRoom } from "../room/ListRoom";

export default app;
