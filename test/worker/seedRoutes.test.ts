import { describe, expect, it } from "vitest";
import { request } from "./request";

function saveForm(fields: Record<string, string>): Promise<Response> {
  return request("/save", { method: "POST", body: new URLSearchParams(fields) });
}

describe("the seed's routes", () => {
  it("POST /save stores an item and answers success; GET /list shows it", async () => {
    const title = `seed ${crypto.randomUUID()}`;
    const response = await saveForm({ itemtitle: title, itemtext: "from the 2011 client" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: "success" });

    const list = await (await request("/list")).json<{ rows: { title: string; bodytext: string }[] }>();
    expect(list.rows[0]).toMatchObject({ title, bodytext: "from the 2011 client" });
  });

  it("POST /save without a title answers failure with the reason, naming the field as the page does", async () => {
    const response = await saveForm({ itemtext: "no title" });
    expect(response.status).toBe(400);
    const body = await response.json<{ result: string; error: { code: string; message: string } }>();
    expect(body).toMatchObject({ result: "failure", error: { code: "invalid_input" } });
    expect(body.error.message).toMatch(/^itemtitle: Title /);
  });

  it("POST /save with a title alone stores it with empty Main Text", async () => {
    const title = `seed title only ${crypto.randomUUID()}`;
    for (const fields of [{ itemtitle: title }, { itemtitle: title, itemtext: "" }] as Record<string, string>[]) {
      const response = await saveForm(fields);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: "success" });
      const list = await (await request("/list")).json<{ rows: { title: string; bodytext: string }[] }>();
      expect(list.rows[0]).toMatchObject({ title, bodytext: "" });
    }
  });
});
