/** `search`: how long a search takes on a list at its ceiling, under wrangler dev (run/search.ts). */
import { measureSearch } from "../run/search";
import { defineScenario, wholeNumber } from "../scenario";

export const search = defineScenario({
  name: "search",
  summary: "GET …/items?q= on a full list of full-length items: round trips and rows read per query",
  usage: "[--items 5000] [--repeats 30]",
  options: {
    items: { type: "string" },
    repeats: { type: "string" },
  },
  run: ({ values }, context) =>
    measureSearch({ items: wholeNumber("items", values.items, 5000), repeats: wholeNumber("repeats", values.repeats, 30) }, context),
});
