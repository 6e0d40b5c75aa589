/**
 * What a line of a newspaper page is, by its text alone: byline, credit, jump line, caption,
 * notice, label, masthead, opener, heading. Pure predicates and patterns; `layout.ts` groups
 * lines into paragraphs with them.
 */
import { mastheadLineDate } from "./dates.js";
import type { ParaKind } from "./layout.js";
import { HAS_SENTENCE_END } from "./text.js";

export const BOX = /^[▢□■◆◇▲△●○◎★☆▼▽►▶◥◤◼◻▪▫]\s*/u;
export const ROLE = "(?:记者|通讯员|实习生|执笔人?|撰稿人?|评论员|特约作者|作者|编译|课题组|摄影记者)";
/** A text/photo credit before names (`文/图　芮晴川`, `文 / 言秋`): the credit word, a space or slash, one or two names. */
const CREDIT_FIRST =
  "^(?:文\\s*[\\/／]\\s*图|图\\s*[\\/／]\\s*文|文|图)(?:\\s*[\\/／]\\s*|\\s+)[\\p{Script=Han}·]{2,4}(?:\\s+[\\p{Script=Han}·]{2,4})?$";
/** Names each followed by what they did, slash-joined (`周敏/文　蒋一帆/图`). */
const NAME_SLASH = "^[\\p{Script=Han}·]{2,4}\\s*[\\/／]\\s*(?:文|图|摄|文图)(?:\\s+[\\p{Script=Han}·]{2,4}\\s*[\\/／]\\s*(?:文|图|摄))?$";
const ROLE_RE = new RegExp(ROLE, "u");
const CREDIT_FIRST_RE = new RegExp(`${CREDIT_FIRST}|${NAME_SLASH}`, "u");
/** A role followed by names, names followed by a photo/text credit, or a credit followed by names. */
const STRONG_BYLINE = new RegExp(
  `${ROLE}\\s*[：:\\s]\\s*[\\p{Script=Han}·]{2,4}|^[\\p{Script=Han}·\\s]*[\\p{Script=Han}]{2,4}\\s+(?:文\\/图|图\\/文|文\\/摄|文|图|摄)$|${CREDIT_FIRST}|${NAME_SLASH}`,
  "u",
);
/** A line that could be part of a byline: role words, names, spaces, a colon or slash; no sentence text. */
export const BYLINE_ISH = new RegExp(
  `^(?=.*(?:${ROLE}|[\\p{Script=Han}]{2,4}\\s+(?:文\\/图|图\\/文|文|图|摄)$)|${CREDIT_FIRST}|${NAME_SLASH})[\\p{Script=Han}·：:\\/／\\s、A-Za-z]{2,40}$`,
  "u",
);
/** A line of names only (`金战新 徐应红`): names of 2–4 characters, separated. A 12-character headline is not one. */
export const NAMES_LINE = /^[\p{Script=Han}·]{2,4}(?:[\s、]+[\p{Script=Han}·]{2,4})*$/u;
const JUMP =
  /^[（(]\s*(?:下转|上接|接上|转第|接第|详见|见第|转下|续)[^）)]{0,16}[）)]$|^(?:下转|上接|接上|转第|接第)第?[0-9一二三四五六七八九十]{1,3}[版页]/u;
/** A table's row: three or more cells set apart by wide gaps (`停电时间　　停电线路　　停电范围`). */
export const TABLE_ROW = /\S(?: {2,}|　+)\S.*?\S(?: {2,}|　+)\S/u;
/** A brief's headline in lenticular brackets: longer than a column label's (`【城事】`, `【百姓身边事】`). */
export const BRACKETED_HEADLINE = /^【[^【】]{9,}】$/u;
/** Clause punctuation: running text has some in every line or two. */
export const CLAUSE_MARK = /[，。、；：？！,;:?!…]/u;
/** A box-marked line this short without a credit in it is a column label. */
export const MAX_MARKED_LABEL = 8;
/**
 * A line drawn inside a box (an ad or a notice set in a frame): a frame line of box-drawing
 * characters, or a line between the frame's sides (anything but a horizontal rule at its ends).
 * A `──` dash in running text is not a box.
 */
export const BOXED = /^[\u2500-\u257f\s]+$|^[\u2502-\u257f]|[\u2502-\u257f]$/u;
/** A column label set between ornaments or in lenticular brackets: `◆政法纵横◆`, `【健康生活】`. */
const DECORATED_LABEL = /^(?:[◆◇■□●○★☆▲△▼▽]\s*[^\s◆◇■□●○★☆▲△▼▽]{2,8}\s*[◆◇■□●○★☆▲△▼▽]|【[^】]{2,8}】)$/u;
/** The header of an ad (`【广告】`, `…广告`): the block it heads is furniture. (Notices, `招聘启事`, `遗失声明`, are articles.) */
export const NOTICE = /^(?:【(?:广告|公告|启事|声明|通知|广而告之)】|[\p{Script=Han}]{0,8}广告|广而告之)$/u;
/** A notice's headline, ending in its kind (`遗失声明`, `…招聘启事`, `…施工招标公告`): it heads the text below. */
export const NOTICE_TITLE = /^[\p{Script=Han}\d（）()“”]{0,30}(?:启事|声明|公告|通知|通告|公示)$/u;
/** A photo caption (`图为…`, `上图：…`): furniture with the photo credit that follows it. */
export const CAPTION = /^(?:图为|[上下左右]?图[：:]|[上下左右]图为|图片说明)/u;
const BRACKET_NOTE = /^[（(][^（）()]{1,40}[）)]$/u;
const CREDIT =
  /^(?:责任编辑|责编|本版编辑|编辑|美编|美术编辑|校对|制图|摄影|设计|排版|版式|审核|终审|值班编辑|视觉设计|图片编辑|统筹|策划)\s*[：:\s]|出品$|^(?:扫码|扫描二维码|长按识别|长按二维码)|^(?:本报综合|据新华社电|综合新华社电|本报综合报道)$|^第?[0-9一二三四五六七八九十]{1,3}版(?:[\s·・]|$)|^[A-H]\d{1,2}版?(?:\s*[\p{Script=Han}·]{2,8})?$|^\d{1,2}版?\s+[\p{Script=Han}·]{2,4}$|^\d{4}年\d{1,2}月\d{1,2}日\s*(?:星期|周)[一二三四五六日天]|^\d{1,2}$|^第\s*\d{1,5}\s*期$/u;
export const OPENER =
  /^(?:本报讯|本报[\p{Script=Han}]{0,8}\d{1,2}月\d{1,2}日电|[\p{Script=Han}]{2,8}(?:社|网|报|台)[\p{Script=Han}]{0,8}\d{1,2}月\d{1,2}日电|【[^】]{1,20}(?:讯|电)】)/u;
export const MD_HEADING = /^(#{1,6})\s+(.*?)\s*#*$/;

/** Does the text name a role (记者, 通讯员…) or carry a photo/text credit (`文/图`)? */
export function hasCreditWords(text: string): boolean {
  return ROLE_RE.test(text) || /(?:文\/图|图\/文|文\/摄|\s(?:文|图|摄))$/u.test(text.trim()) || CREDIT_FIRST_RE.test(text.trim());
}

export function isStrongByline(text: string): boolean {
  return STRONG_BYLINE.test(text.trim());
}

/** A paper's name in pinyin capitals (`LANJIANG WANBAO`), maybe beside its Chinese name: masthead furniture. */
export const PINYIN_NAME = /^(?:[\p{Script=Han}]{2,8}(?:报|刊)\s*)?[A-Z]{2,}(?:\s+[A-Z]{2,})+(?:\s*[\p{Script=Han}]{2,8}(?:报|刊))?$/u;

/** A source credited on its own line: `来源：鹤坪发布`, `据《汀阳日报》`, `稿源：…`. */
const SOURCE_CREDIT =
  /^(?:(?:来源|稿源|信息来源)[：:]\s*[^\s，。,]{2,16}|[（(]?据《[^》]{2,12}》(?:报道)?[）)]?|[（(]?据[\p{Script=Han}]{2,8}(?:消息|报道)?[）)]?)$/u;

/** A source credit (`来源：鹤坪发布`, `（据《江州日报》）`). */
export const isSourceCredit = (text: string): boolean => SOURCE_CREDIT.test(text.trim());

export function lineKind(text: string): ParaKind | null {
  if (MD_HEADING.test(text)) return /^#\s/.test(text) ? "mdTitle" : "mdSection";
  if (JUMP.test(text)) return "jump";
  // a bracketed credit on its own line (`（通讯员 钟敏）`) closes its article; other bracketed notes are furniture
  if (BRACKET_NOTE.test(text) && isStrongByline(text.slice(1, -1)) && BYLINE_ISH.test(text.slice(1, -1))) return "byline";
  // (or a name alone, `（钟岚）`: two or three characters starting with a family name)
  if (/^[（(].*[）)]$/u.test(text) && isNameCredit(text.slice(1, -1))) return "byline";
  // a source named at the end (`来源：鹤坪发布`, `据《汀阳日报》`) credits the article as a byline does
  if (isSourceCredit(text)) return "byline";
  if (
    CREDIT.test(text) ||
    BRACKET_NOTE.test(text) ||
    mastheadLineDate(text) ||
    BOXED.test(text) ||
    DECORATED_LABEL.test(text) ||
    PINYIN_NAME.test(text)
  )
    return "furniture";
  return null;
}

/**
 * A box-marked line that is a headline (`▲东湖公园樱花进入盛花期`, a brief's title), not a byline: no
 * credit words, not names only, no comma or sentence end (a marked caption has them), longer than a label.
 */
export function markedHeadline(marked: string, minLength = MAX_MARKED_LABEL + 1): boolean {
  const text = marked.trim();
  return (
    text.length >= minLength &&
    !hasCreditWords(text) &&
    !NAMES_LINE.test(text) &&
    !isGluedCredit(text) &&
    !/[，,]/.test(text) &&
    isHeadingText(text, 1)
  );
}

/** A headline that asks is at most this long. */
const MAX_QUESTION_HEADLINE = 24;

/** A headline block (label, kicker, a title over two lines, subtitle) has at most this many lines. */
const MAX_HEADING_LINES = 5;

/** Short, without sentence-final punctuation, and made of words: a headline, kicker, caption or section heading. */
export function isHeadingText(text: string, lineCount: number): boolean {
  if (!/[\p{Script=Han}A-Za-z]/u.test(text)) return false;
  // (a `——` subtitle runs as long as it needs: the length that counts is the headline's above it)
  const head = text.replace(/[—–]{2}.*$/su, "");
  const short = (lineCount <= 3 && head.length <= 50) || (lineCount <= MAX_HEADING_LINES && head.length <= 16 * lineCount);
  // a headline may ask (`老旧小区加装电梯，补贴怎么申请？`): one question mark at its end, no colon (an
  // interview's `问：…？` has one), short
  // (also over a `——` subtitle: `"飞线充电"为何屡禁不止?` / `——记者走访发现,…`)
  const asked = /[？?]$/u.test(text) ? text : /[？?]\s*$/u.test(head) ? head.trimEnd() : null;
  const asks = asked !== null && !/[：:]/u.test(asked) && asked.length <= MAX_QUESTION_HEADLINE;
  const checked = asks ? asked.slice(0, -1) + text.slice(asked.length) : text;
  // (an item of a list ending in a semicolon, `一是总分由50分提高到60分；`, is running text; so is a
  // clause that announces a list, `为切实做好…，…通告如下：`)
  const announces = /[：:]$/u.test(text) && /[，,]/u.test(text);
  return short && !HAS_SENTENCE_END.test(checked) && !/…/.test(text) && !/[；;]$/u.test(text) && !announces;
}

/**
 * A credit line as OCR reads it, spaces lost (`记者罗雪梅`, `本报记者沈嘉禾`, `全媒体记者蒋文博文/图`):
 * roles and names of two or three characters and nothing else.
 */
const GLUED_CREDIT =
  /^(?:[▢□■◎●]?)(?:(?:本报|全媒体|融媒|见习|特约)?(?:记者|通讯员|实习生|摄影)[\p{Script=Han}]{2,3}){1,3}(?:文\/图|图\/文|摄)?$/u;

/**
 * Single-character family names (the 百家姓 list): a name glued to its role must start with one, so
 * that `记者手记` (a column label) is no credit while `记者岑悦` is.
 */
const SURNAMES = new Set(
  "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公上官",
);

/** A name alone as a credit (`杨帆`, `钱小满`): two or three characters, a family name first. */
export const isNameCredit = (text: string): boolean => /^[\p{Script=Han}]{2,3}$/u.test(text) && SURNAMES.has(text[0]!);

export function isGluedCredit(text: string): boolean {
  const glued = text.replace(/\s+/g, "");
  if (!GLUED_CREDIT.test(glued)) return false;
  const names = glued
    .replace(/^[▢□■◎●]/u, "")
    .replace(/(?:文\/图|图\/文|摄)$/u, "")
    .split(/(?:本报|全媒体|融媒|见习|特约)?(?:记者|通讯员|实习生|摄影)/u)
    .filter(Boolean);
  return names.every((n) => SURNAMES.has(n[0]!));
}

/** A paper's name (`棠溪日报·周末`, `雁汀晚报`, `沐溪周报`): short, ends in 报 or 刊, maybe a section after it. */
const PAPER_NAME = /^[\p{Script=Han}]{2,8}(?:报|刊)(?:[·・\s]+[\p{Script=Han}]{1,6})?$/u;

export function isPaperName(text: string): boolean {
  return PAPER_NAME.test(text.trim());
}
