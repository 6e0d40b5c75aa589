/** Recent answers by a short id, so that buttons under a reply can refer to them (bounded, in memory). */
import { randomBytes } from "node:crypto";
import type { Answer } from "../answer/types.js";

export interface AnswerMemory {
  remember(answer: Answer): string;
  recall(id: string): Answer | undefined;
}

export function createAnswerMemory(capacity = 2000): AnswerMemory {
  const map = new Map<string, Answer>();
  return {
    remember(answer) {
      const id = randomBytes(6).toString("base64url");
      map.set(id, answer);
      if (map.size > capacity) map.delete(map.keys().next().value!);
      return id;
    },
    recall: (id) => map.get(id),
  };
}
