/** Terminal chat over the same answer service as the bot: one question per line, plain text out. */
import readline from "node:readline";
import type { AnswerService } from "../answer/answer-service.js";
import { formatAnswerText } from "../answer/format-text.js";

export interface TerminalChatOptions {
  service: AnswerService;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  greeting?: string;
}

/** Runs until the input ends (Ctrl-D, or the end of piped input) or the user types /quit. */
export async function runTerminalChat({ service, input = process.stdin, output = process.stdout, greeting }: TerminalChatOptions): Promise<void> {
  const interactive = Boolean((input as NodeJS.ReadStream).isTTY);
  const rl = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  if (greeting) output.write(`${greeting}\n`);
  const prompt = () => interactive && output.write("问> ");
  prompt();
  for await (const line of rl) {
    const q = line.trim();
    if (q === "/quit" || q === "/exit") break;
    if (q) output.write(`${formatAnswerText(await service.ask(q))}\n\n`);
    prompt();
  }
  rl.close();
}
