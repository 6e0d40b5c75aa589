/** What Telegram requires of a text message with entities. */
export interface EntityLike {
  type: string;
  offset: number;
  length: number;
}

export function telegramProblems(text: string, entities: EntityLike[] = []): string[] {
  const problems: string[] = [];
  if (text.length === 0 || text.trim().length === 0) problems.push("empty text");
  if (text.length > 4096) problems.push(`text is ${text.length} > 4096 UTF-16 units`);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && !(text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff))
      problems.push(`lone high surrogate at ${i}`);
    if (c >= 0xdc00 && c <= 0xdfff && !(text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff))
      problems.push(`lone low surrogate at ${i}`);
  }
  const inside = (pos: number) => pos > 0 && pos < text.length && text.charCodeAt(pos) >= 0xdc00 && text.charCodeAt(pos) <= 0xdfff;
  for (const e of entities) {
    if (e.length <= 0) problems.push(`${e.type} has length ${e.length}`);
    if (e.offset < 0 || e.offset + e.length > text.length)
      problems.push(`${e.type} [${e.offset}, ${e.offset + e.length}) out of range ${text.length}`);
    if (inside(e.offset) || inside(e.offset + e.length)) problems.push(`${e.type} splits a surrogate pair`);
  }
  // Entities must nest: two may not partly overlap.
  for (const a of entities) {
    for (const b of entities) {
      if (a === b) continue;
      const [aS, aE, bS, bE] = [a.offset, a.offset + a.length, b.offset, b.offset + b.length];
      if (aS < bS && bS < aE && aE < bE) problems.push(`${a.type} and ${b.type} overlap partly`);
    }
  }
  return problems;
}
