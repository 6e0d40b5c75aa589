/** What kind of message a text is: small talk, a question, or neither (general cues, no topic words). */

/** Whole messages that are greetings or thanks (and nothing else), in Chinese or English. */
const HELLO = /^(?:你好|您好|哈喽|嗨|早上好|晚上好|下午好|hi|hello|hey|good (?:morning|evening|afternoon))$/i;
const THANKS = /^(?:谢谢|多谢|感谢|谢了|thanks?|thank you|thx|好的|好|收到|ok|okay|明白了?|了解)(?:你|您|啦|了)?$/i;

/** The message without punctuation, emoji, spaces and a mention. */
const bare = (text: string) =>
  text
    .replace(/@\w+/g, "")
    .replace(/[\p{P}\p{S}\s]/gu, "")
    .toLowerCase();

export function smallTalk(text: string): "hello" | "thanks" | null {
  const b = bare(text);
  if (!b) return text.replace(/@\w+/g, "").trim() ? "thanks" : null; // 👍, 🙏 alone; a bare mention is not small talk
  if (HELLO.test(b)) return "hello";
  if (THANKS.test(b)) return "thanks";
  return null;
}

/** Interrogatives, question particles and question marks (Chinese and English). */
const QUESTION_CUES =
  /[?？]|什么|多少|几[个次场件家名人天年月日号点岁]|谁|哪|吗|呢|怎么|怎样|如何|为什么|为何|是否|是不是|有没有|何时|\b(?:what|who|whom|where|when|why|how|which|is|are|does|do|did|can)\b/i;

/** Does a reply look like a question (rather than a remark such as 好的，我知道了)? */
export const looksLikeQuestion = (text: string): boolean => QUESTION_CUES.test(text);
