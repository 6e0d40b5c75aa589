/** Public face of `cli`: the terminal chat. */
export * from "./terminal-chat.js";
