/**
 * Whether this page's code may talk to the server it reached. The welcome
 * names the server's protocol version; a page older than that must not run
 * against it (it would misread frames, or send what the server no longer
 * takes), so it stops and offers "Reload to update" instead. An older server
 * (the moment of a deploy, seen from a new page) speaks a protocol this page
 * still reads: the version only grows with changes an old client cannot read.
 */
import { PROTOCOL_VERSION } from "../../protocol/frames";

/** True when the server speaks a protocol newer than the page's; anything unreadable is not newer. */
export function isNewerProtocol(serverProtocol: unknown, pageProtocol: number = PROTOCOL_VERSION): boolean {
  return typeof serverProtocol === "number" && Number.isSafeInteger(serverProtocol) && serverProtocol > pageProtocol;
}
