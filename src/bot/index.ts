/** Public face of `bot`: build the bot from an archive and start it. */
export { createAnswerMemory } from "./answer-memory.js";
export type { BotDeps, BotSettings } from "./context.js";
export { createBot } from "./create-bot.js";
export { createFeedbackStore } from "./feedback-store.js";
export { createSharedStores, type Queryable, type SharedStores } from "./shared-stores.js";
export { startBot } from "./start-bot.js";
