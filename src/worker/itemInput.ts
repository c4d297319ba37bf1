/**
 * A new item as a save sends it: JSON (`{"title","body"}`), or a form with
 * the seed's field names (`itemtitle`, `itemtext`), as the 2011 app and plain
 * HTML forms post it. Read by `POST …/items` and by the seed's `POST /save`,
 * which answer what is wrong in their own shapes.
 */
import type { Context } from "hono";
import { ErrorCode } from "../protocol/errors";
import type { NewItem } from "../protocol/item";
import type { AppEnv } from "./context";
import { NewItemSchema, SeedFormSchema } from "./schemas";
import { mediaType, parseInput, readJson, type BodyProblem } from "./validation";

type ItemInput = { ok: true; input: NewItem } | ({ ok: false } & BodyProblem);

export async function readItemInput(c: Context<AppEnv>): Promise<ItemInput> {
  const type = mediaType(c);
  let result;
  if (type === "application/json") {
    const json = await readJson(c);
    if (!json.ok) return json;
    result = parseInput(NewItemSchema, json.value);
  } else if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    let form: unknown;
    try {
      form = await c.req.parseBody();
    } catch {
      // A multipart body without a boundary, or one cut short.
      return { ok: false, status: 400, code: ErrorCode.InvalidInput, message: "the form body could not be read" };
    }
    result = parseInput(SeedFormSchema, form);
  } else {
    return {
      ok: false,
      status: 415,
      code: ErrorCode.UnsupportedMediaType,
      message: "send application/json, application/x-www-form-urlencoded or multipart/form-data",
    };
  }
  if (!result.ok) return { ok: false, status: 400, code: ErrorCode.InvalidInput, message: result.message };
  return { ok: true, input: result.value };
}
