/** Terminal chat over the same answer service as the bot: one question per line, plain text out. */
import readline from "node:readline";
import {
  type AnswerService,
  createFollowUpResolver,
  type FollowUpResolver,
  formatAnswerText,
  addTurn,
  type Turn,
} from "../answer/index.js";

export interface TerminalChatOptions {
  service: AnswerService;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  greeting?: string;
  /** Follow-ups (`那进口呢？`) become standalone questions, as in the bot. */
  followUps?: FollowUpResolver;
}

/** Runs until the input ends (Ctrl-D, or the end of piped input) or the user types /quit. */
export async function runTerminalChat({
  service,
  input = process.stdin,
  output = process.stdout,
  greeting,
  followUps = createFollowUpResolver(),
}: TerminalChatOptions): Promise<void> {
  let turns: Turn[] = [];
  const interactive = Boolean((input as NodeJS.ReadStream).isTTY);
  const rl = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  if (greeting) output.write(`${greeting}\n`);
  const prompt = () => interactive && output.write("问> ");
  prompt();
  for await (const line of rl) {
    const q = line.trim();
    if (q === "/quit" || q === "/exit") break;
    if (q) {
      const question = await followUps.resolve(turns, q);
      const answer = await service.ask(question);
      if (!answer.abstained) turns = addTurn(turns, question);
      output.write(`${formatAnswerText(answer)}\n\n`);
    }
    prompt();
  }
  rl.close();
}
