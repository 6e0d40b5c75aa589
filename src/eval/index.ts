/** Public face of `eval`: evaluation sets and the measuring run. */
export * from "./eval-sets.js";
export * from "./run-eval.js";
