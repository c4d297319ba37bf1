/**
 * The 2011 app's routes, kept so its clients keep working (docs/PROTOCOL.md):
 * `POST /save` takes a new item as a form or JSON and answers
 * `{"result":"success"}` or `{"result":"failure","error":…}`, and `GET /list`
 * gives the default list's newest page as `rows` with the seed's field names.
 */
import { Hono } from "../hono";
import { PAGE_DEFAULT_LIMIT } from "../../protocol/limits";
import { room, type AppEnv } from "../context";
import { clientGroup, limitPerAddress, SEED_WRITE_PATH } from "../guard";
import { readItemInput } from "../itemInput";
import { parseItemsPageBody } from "../itemsPage";
import { newestPageText } from "../newestPage";
import { refusalStatus } from "../roomRefusals";
import { limitBody } from "../validation";

export const SEED_READ_PATH = "/list";

export const seed = new Hono<AppEnv>();

seed.post(SEED_WRITE_PATH, limitPerAddress("save"), limitBody, async (c) => {
  const read = await readItemInput(c);
  if (!read.ok) return c.json({ result: "failure", error: { code: read.code, message: read.message } }, read.status);
  const result = await room(c).addItem(read.input, null, clientGroup(c));
  if (!result.ok) {
    const { code, message } = result.error;
    return c.json({ result: "failure", error: { code, message } }, refusalStatus(c, result.error));
  }
  return c.json({ result: "success" });
});

seed.get(SEED_READ_PATH, limitPerAddress("read"), async (c) => {
  // The default list always exists, and its newest page is always a page body.
  const text = await newestPageText(c, PAGE_DEFAULT_LIMIT);
  const page = text === null ? null : parseItemsPageBody(text);
  if (page === null) throw new Error("the default list's newest page could not be read");
  const rows = page.items.map((item) => ({ id: item.id, title: item.title, bodytext: item.body, createdAt: item.createdAt }));
  return c.json({ rows });
});
