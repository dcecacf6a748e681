/**
 * How the assistant reads a message before classifying it: normalisation (case, accents,
 * apostrophes, stretched letters, emoji, chat abbreviations), tokens, Snowball stems for Spanish
 * and English, and typo correction against the words it knows. Pure and deterministic.
 */
import StemmerEn from '@nlpjs/lang-en-min/src/stemmer-en';
import StemmerEs from '@nlpjs/lang-es/src/stemmer-es';

const stemmerEs = new StemmerEs();
const stemmerEn = new StemmerEn();

/** Emoji that carry meaning, as word tokens the classifier can learn; other emoji are dropped. */
const EMOJI: readonly [RegExp, string][] = [
  [/[\u{1F44B}\u{1F64B}]/gu, ' emowave '],
  [/[\u{1F64F}\u{1F44D}\u{1F60A}\u{1F642}\u{1F600}\u{1F603}\u{1F604}\u{1F601}\u{2764}\u{1F970}\u{1F618}\u{1F917}\u{1F64C}\u{1F44C}]/gu, ' emothanks '],
  [/[\u{1F621}\u{1F620}\u{1F92C}\u{1F44E}\u{1F624}]/gu, ' emoangry '],
  [/[\u{1F622}\u{1F62D}\u{1F61E}\u{1F614}\u{1F61F}\u{1F615}\u{1F641}\u{2639}]/gu, ' emosad '],
  [/[\u{1F4E6}\u{1F69A}\u{1F69B}]/gu, ' emopackage '],
];

/** Chat spellings and contractions → the words the training sentences use. */
const SHORTHAND: Readonly<Record<string, string>> = {
  // es
  q: 'que',
  k: 'que',
  ke: 'que',
  xq: 'porque',
  pq: 'porque',
  porq: 'porque',
  xk: 'porque',
  x: 'por',
  d: 'de',
  dnd: 'donde',
  dnde: 'donde',
  cdo: 'cuando',
  tb: 'tambien',
  tmb: 'tambien',
  tbn: 'tambien',
  porfa: 'por favor',
  porfis: 'por favor',
  porfavor: 'por favor',
  xfa: 'por favor',
  xfavor: 'por favor',
  pf: 'por favor',
  pa: 'para',
  msj: 'mensaje',
  nro: 'numero',
  num: 'numero',
  ud: 'usted',
  uds: 'ustedes',
  bn: 'bien',
  aun: 'todavia',
  grax: 'gracias',
  graxias: 'gracias',
  okey: 'ok',
  oki: 'ok',
  okay: 'ok',
  chau: 'adios',
  chao: 'adios',
  // "ola" (a wave) is, in a chat, nearly always a "hola" without its h.
  ola: 'hola',
  // en
  u: 'you',
  ur: 'your',
  r: 'are',
  pls: 'please',
  plz: 'please',
  plis: 'please',
  thx: 'thanks',
  thnx: 'thanks',
  thanx: 'thanks',
  tks: 'thanks',
  ty: 'thank you',
  tysm: 'thank you',
  im: 'i am',
  ive: 'i have',
  dont: 'do not',
  didnt: 'did not',
  doesnt: 'does not',
  hasnt: 'has not',
  havent: 'have not',
  hadnt: 'had not',
  isnt: 'is not',
  wasnt: 'was not',
  arent: 'are not',
  cant: 'can not',
  cannot: 'can not',
  wont: 'will not',
  wouldnt: 'would not',
  couldnt: 'could not',
  wheres: 'where is',
  whats: 'what is',
  hows: 'how is',
  its: 'it is',
  wanna: 'want to',
  gonna: 'going to',
  gotta: 'got to',
  asap: 'as soon as possible',
  pkg: 'package',
  pkge: 'package',
  ord: 'order',
  'n°': 'numero',
};

/** Placeholders for the variable parts of a message. */
export const NUMBER_TOKEN = 'numtok';
export const EMAIL_TOKEN = 'emailtok';

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/gi;

/**
 * The message as plain lower-case words: accents and ñ folded, apostrophes joined ("where's" →
 * "wheres"), emails and long numbers replaced by placeholders, meaningful emoji named, other
 * symbols dropped, letters stretched three times or more shortened ("holaaa" → "hola").
 */
export function normalizeForNlu(text: string): string {
  let s = text.slice(0, 2000);
  for (const [re, word] of EMOJI) s = s.replace(re, word);
  s = s
    .replace(EMAIL, ` ${EMAIL_TOKEN} `)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`´]/g, '')
    .replace(/#?\b[a-z]*\d[\da-z_-]*\b/g, (m) => (m.replace(/\D/g, '').length >= 3 ? ` ${NUMBER_TOKEN} ` : ' '))
    .replace(/[^a-z]+/g, ' ')
    .replace(/([a-z])\1{2,}/g, '$1')
    .trim();
  return s;
}

/** Words of a normalised message, chat shorthand expanded. */
export function tokenize(normalized: string): string[] {
  const out: string[] = [];
  for (const w of normalized.split(' ')) {
    if (!w) continue;
    const expanded = SHORTHAND[w];
    if (expanded) out.push(...expanded.split(' '));
    else out.push(w);
  }
  return out;
}

const stemCache = new Map<string, readonly string[]>();
const STEM_CACHE_MAX = 5000;

/** The Spanish and the English Snowball stems of a word (one entry when they agree). */
export function stems(word: string): readonly string[] {
  const cached = stemCache.get(word);
  if (cached) return cached;
  const es = stemmerEs.stemWord(word);
  const en = stemmerEn.stemWord(word);
  const result = es === en ? [es] : [es, en];
  if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
  stemCache.set(word, result);
  return result;
}

/** Damerau–Levenshtein (optimal string alignment) distance, giving up above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prev2 = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const cur = new Array<number>(cols);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[cols - 1]!;
}

/**
 * Words the assistant knows, with how often it saw them, and a spelling corrector over them:
 * an unknown word of four letters or more becomes the most frequent known word within one edit
 * (two for words of ten letters or more), or stays as it is.
 */
export class Vocabulary {
  private readonly counts = new Map<string, number>();
  private readonly byLength = new Map<number, string[]>();
  private readonly corrections = new Map<string, string>();
  private readonly stemSet = new Set<string>();

  add(word: string): void {
    const n = this.counts.get(word);
    this.counts.set(word, (n ?? 0) + 1);
    if (n === undefined) {
      for (const s of stems(word)) this.stemSet.add(s);
      const list = this.byLength.get(word.length) ?? [];
      list.push(word);
      this.byLength.set(word.length, list);
      this.corrections.clear();
    }
  }

  has(word: string): boolean {
    return this.counts.has(word);
  }

  /** Whether the word is known, or another form of a known word ("enviar" after "envíos"). */
  recognises(word: string): boolean {
    return this.counts.has(word) || stems(word).some((s) => this.stemSet.has(s));
  }

  /**
   * The known word this one is most likely a misspelling of, or the word itself. A form of a
   * known word is left alone: "tarde" must not become "tarda".
   */
  correct(word: string): string {
    if (word.length < 4 || this.recognises(word)) return word;
    const cached = this.corrections.get(word);
    if (cached !== undefined) return cached;
    // A stretched letter that survived normalisation ("gracciass", "pleease").
    const squeezed = word.replace(/([a-z])\1+/g, '$1');
    let best = this.counts.has(squeezed) ? squeezed : word;
    if (best === word) {
      const max = word.length >= 10 ? 2 : 1;
      let bestDistance = max + 1;
      let bestCount = 0;
      for (let len = word.length - max; len <= word.length + max; len++) {
        for (const candidate of this.byLength.get(len) ?? []) {
          if (candidate.length < 4) continue;
          const d = editDistance(word, candidate, max);
          const count = this.counts.get(candidate) ?? 0;
          if (d < bestDistance || (d === bestDistance && d <= max && count > bestCount)) {
            best = candidate;
            bestDistance = d;
            bestCount = count;
          }
        }
      }
      if (bestDistance > max) best = word;
    }
    if (this.corrections.size > 10_000) this.corrections.clear();
    this.corrections.set(word, best);
    return best;
  }
}
