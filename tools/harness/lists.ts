/** A list created for a run, over HTTP as the page creates one (`POST /api/lists`); chaos and soak use it. */
const CREATE_TIMEOUT_MS = 30_000;

/** Creates a list titled `title` on the app at `baseUrl`; resolves with its id. */
export async function createList(baseUrl: string, title: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/lists`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title }),
    signal: AbortSignal.timeout(CREATE_TIMEOUT_MS),
  });
  const body = (await response.json()) as { list?: { id?: unknown } };
  if (response.status !== 201 || typeof body.list?.id !== "string") {
    throw new Error(`POST /api/lists answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.list.id;
}
