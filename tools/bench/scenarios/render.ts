/** `render RESULTS.json`: a run's tables and chart drawn again from its results file, no measuring. */
import { republish } from "../report/publish";
import { defineScenario } from "../scenario";

export const render = defineScenario({
  name: "render",
  summary: "redraw a run's tables and chart from its results file, no measuring",
  usage: "RESULTS.json",
  options: {},
  positionals: true,
  run: async ({ positionals }, { outDir, log }) => {
    const [file, ...rest] = positionals;
    if (file === undefined || rest.length > 0) throw new Error("render takes one results file");
    republish(file, outDir, log);
    return 0;
  },
});
