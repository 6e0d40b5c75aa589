/**
 * Headline paragraphs fixed before the page is segmented: two headlines printed back to back in one
 * block, and a marked caption read as a brief's headline over another headline.
 */
import { HEADLINE_MARGIN, HEADLINE_OVERLAP, gramsOf, headlineOverlap } from "./headline.js";
import { type Para, displayLines } from "./layout.js";
import { BOX } from "./line-classes.js";

/** The body paragraphs next to paragraph i on one side (`step` -1 above, +1 below), past bylines and furniture beside it. */
function bodiesBeside(paras: Para[], i: number, step: 1 | -1): Para[] {
  let k = i + step;
  while (paras[k] && ["byline", "furniture", "jump"].includes(paras[k]!.kind)) k += step;
  const out: Para[] = [];
  for (; paras[k] && (paras[k]!.kind === "body" || paras[k]!.kind === "opener"); k += step) out.push(paras[k]!);
  return out;
}

/**
 * Two headlines in one block with no blank line between them (pages that keep none: the headline
 * printed under one article's body, then the next article's over its own): the block is cut where
 * the lines above the cut repeat the body above and not the one below, and the lines under it the
 * body below and not the one above. A `——` line stays with the title over it.
 */
export function splitBackToBack(paras: Para[]): Para[] {
  return paras.flatMap((p, i): Para[] => {
    if (p.kind !== "heading" || p.lines.length < 2) return [p];
    const [above, below] = [gramsOf(bodiesBeside(paras, i, -1)), gramsOf(bodiesBeside(paras, i, 1))];
    if (above.size === 0 || below.size === 0) return [p];
    const lines = displayLines(p);
    // how clearly a part leans to one side (negative: it does not)
    const lean = (text: string, to: Set<string>, from: Set<string>) => {
      const [own, other] = [headlineOverlap(text, to), headlineOverlap(text, from)];
      return own >= HEADLINE_OVERLAP ? own - other - HEADLINE_MARGIN : -1;
    };
    let best = { at: -1, margin: 0 };
    for (let k = 1; k < lines.length; k++) {
      if (/^[—–]/u.test(lines[k]!)) continue;
      const margin = Math.min(lean(lines.slice(0, k).join(""), above, below), lean(lines.slice(k).join(""), below, above));
      if (margin >= best.margin) best = { at: k, margin };
    }
    if (best.at < 0) return [p];
    return [
      { ...p, lines: p.lines.slice(0, best.at) },
      { ...p, lines: p.lines.slice(best.at) },
    ];
  });
}

/**
 * A marked line read as a brief's headline (`▲谭守义正在为顾客更换鞋跟`) right over another headline
 * block heads nothing: a brief's headline stands over its text. It is the photo's caption.
 */
export function captionsOverHeadlines(paras: Para[]): Para[] {
  return paras.map((p, i) =>
    p.kind === "heading" && p.lines.length === 1 && BOX.test(p.lines[0]!.text) && paras[i + 1]?.kind === "heading"
      ? { ...p, kind: "furniture" }
      : p,
  );
}
