/**
 * The assistant's understanding of one message: which intent (a softmax classifier trained at
 * start-up from the example sentences in training.ts), how sure it is, which language the message
 * is written in (a word-frequency naive Bayes over the same sentences plus common words), and
 * which of the merchant's FAQ entries it asks about (the same normalisation, stems and typo
 * tolerance, scored by how much of the entry's question — weighted by word rarity — or which of
 * its keywords the message contains). Pure: no IO; the model is built once, lazily.
 */
import type { Locale } from '../../../shared/i18n';
import { SoftmaxClassifier, type Example } from './classifier';
import { EMAIL_TOKEN, normalizeForNlu, NUMBER_TOKEN, stems, tokenize, Vocabulary } from './text';
import { NLU_INTENTS, type NluIntent, TRAINING } from './training';

export type { NluIntent } from './training';
export { normalizeForNlu } from './text';

/** Common words of each language: evidence for language detection, and never "corrected". */
const FUNCTION_WORDS: Record<Locale, readonly string[]> = {
  es: (
    'el la los las un una unos unas de del al a en y o u pero que porque como cuando donde quien cual cuanto cuanta cuantos ' +
    'mi mis tu tus su sus nuestro nuestra vuestro vuestra me te se nos os le les lo yo tu usted ustedes ellos ella ' +
    'es son esta estan estoy era fue ser estar hay tiene tengo tienen teneis tenemos he ha han hemos habeis hace hice ' +
    'puedo puede pueden podeis podria quiero quiere quisiera necesito por para con sin sobre entre hasta desde ' +
    'muy mas menos ya aun todavia tambien nada algo alguien nadie todo todos esto eso este ese aqui ahi alli ' +
    'si no sí vale bueno pues entonces hola gracias favor usted dia dias semana ayer hoy manana ' +
    'mio cosa cosas ahora nunca siempre otra otro mismo solo ' +
    'tarde noche mañana vais vamos voy va van fui fuiste hizo hacer hago haces dar doy da dan dame ver veo vi mira decir digo dice ' +
    'saber se sabe sabes creo parece pasa paso poner puse pongo salir sale llevo lleva traer trae venir viene vino querer quería ' +
    'gustaria gusta bien mal mejor peor nuevo nueva grande pequeño poco mucho mucha muchos tanto casa calle ciudad pais dinero ' +
    'aceptan aceptais venden vendeis tienen usan usais hacen haceis funciona funcionan sirve sirven cuesta cuestan ' +
    'lunes martes miercoles jueves viernes sabado domingo hora horas minutos mes meses año regalo amigo amiga madre padre ' +
    'duda dudas pregunta preguntas consulta problema azul rojo verde negro blanco talla color'
  ).split(' '),
  en: (
    'the a an of to in on at for from with by about and or but if because as when where who which what how why ' +
    'my your his her our their me you him us them i we they it this that these those there here ' +
    'is are was were be been being am do does did done have has had having can could would should will shall may might must ' +
    'not no yes so very too also just still yet already only even more less any some all every none nothing something someone ' +
    'get got want need like please thanks hello hi day days week yesterday today tomorrow now never always other same ' +
    'up out over into than then again ok ' +
    'best good bad better worse new old big small little much many lot morning night evening afternoon ' +
    'go going went come came make made take took give gave see saw say said know knew think look tell told ' +
    'work works working use used buy bought sell sold accept accepted ask asked try tried wait waiting ' +
    'home house street city country money friend gift mother father monday tuesday wednesday thursday friday saturday sunday ' +
    'hour hours minute minutes month year thing things way well sure question questions problem blue red green black white size colour color'
  ).split(' '),
};

const ALL_FUNCTION_WORDS = new Set([...FUNCTION_WORDS.es, ...FUNCTION_WORDS.en]);
const PLACEHOLDERS = new Set([NUMBER_TOKEN, EMAIL_TOKEN]);
const EMOJI_WORDS = new Set(['emowave', 'emothanks', 'emoangry', 'emosad', 'emopackage']);
const isEmoji = (w: string): boolean => EMOJI_WORDS.has(w);

/** Emoji-only examples: the normaliser turns emoji into these words. */
const EMOJI_EXAMPLES: readonly [NluIntent, string][] = [
  ['greeting', '👋'],
  ['thanks', '🙏'],
  ['thanks', '👍'],
  ['thanks', 'gracias 😊'],
  ['complaint', '😡😡'],
  ['complaint', '👎 fatal'],
];

/** A merchant FAQ entry as the matcher needs it. */
export interface FaqLike {
  id: string;
  question: string;
  keywords?: readonly string[];
  locale: Locale;
}

export interface FaqMatch<F extends FaqLike> {
  entry: F;
  /** 0..1: share of the entry's question (by word weight) the message covers; 0.9+ for a keyword. */
  score: number;
  keyword: boolean;
  /** The matched keyword has a word the built-in intents were never taught ("paypal", "factura"). */
  distinctive: boolean;
  /** 0..1: how much of the entry's question the message covers, keyword or not. */
  coverage: number;
}

export interface Understanding<F extends FaqLike = FaqLike> {
  intent: NluIntent;
  confidence: number;
  /** Every intent with its probability, most likely first. */
  ranked: readonly { label: NluIntent; p: number }[];
  /** The language the message is written in, or null when it does not say (too short, mixed). */
  language: Locale | null;
  faq: FaqMatch<F> | null;
  /** Words after normalisation and spelling correction (for diagnostics and tests). */
  words: readonly string[];
}

interface Model {
  vocabulary: Vocabulary;
  classifier: SoftmaxClassifier<NluIntent>;
  /** Word counts per language, for detection. */
  languageCounts: Record<Locale, Map<string, number>>;
  languageTotals: Record<Locale, number>;
  /** Inverse document frequency of stems over all training sentences. */
  idf: (stem: string) => number;
  /** The weight of a word seen in at most two training sentences. */
  rareIdf: number;
  /** Letter-trigram counts per language: evidence for words neither vocabulary has. */
  trigramCounts: Record<Locale, Map<string, number>>;
  trigramTotals: Record<Locale, number>;
}

function trigrams(word: string): string[] {
  const padded = `_${word}_`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

function featuresOf(words: readonly string[]): string[] {
  const features: string[] = [];
  let previous: string | null = null;
  for (const w of words) {
    const s = stems(w);
    for (const stem of s) features.push(`w:${stem}`);
    if (previous !== null) features.push(`b:${previous}_${s[0]}`);
    previous = s[0]!;
  }
  return features;
}

let model: Model | null = null;

function buildModel(): Model {
  const vocabulary = new Vocabulary();
  const languageCounts: Record<Locale, Map<string, number>> = { es: new Map(), en: new Map() };
  const languageTotals: Record<Locale, number> = { es: 0, en: 0 };
  const count = (locale: Locale, w: string, n = 1) => {
    languageCounts[locale].set(w, (languageCounts[locale].get(w) ?? 0) + n);
    languageTotals[locale] += n;
  };
  const sentences: { locale: Locale | null; label: NluIntent; words: string[] }[] = [];
  for (const locale of ['es', 'en'] as const) {
    for (const w of FUNCTION_WORDS[locale]) {
      vocabulary.add(w);
      count(locale, w, 2);
    }
    for (const label of NLU_INTENTS) {
      for (const text of TRAINING[locale][label]) sentences.push({ locale, label, words: tokenize(normalizeForNlu(text)) });
    }
  }
  for (const [label, text] of EMOJI_EXAMPLES) sentences.push({ locale: null, label, words: tokenize(normalizeForNlu(text)) });
  for (const s of sentences) {
    for (const w of s.words) {
      vocabulary.add(w);
      if (s.locale && !PLACEHOLDERS.has(w) && !isEmoji(w)) count(s.locale, w);
    }
  }
  const df = new Map<string, number>();
  for (const s of sentences) for (const stem of new Set(s.words.flatMap((w) => stems(w)))) df.set(stem, (df.get(stem) ?? 0) + 1);
  const n = sentences.length;
  const idf = (stem: string) => Math.log(1 + n / (1 + (df.get(stem) ?? 0)));

  const trigramCounts: Record<Locale, Map<string, number>> = { es: new Map(), en: new Map() };
  const trigramTotals: Record<Locale, number> = { es: 0, en: 0 };
  for (const locale of ['es', 'en'] as const) {
    for (const [w, c] of languageCounts[locale]) {
      for (const g of trigrams(w)) {
        trigramCounts[locale].set(g, (trigramCounts[locale].get(g) ?? 0) + c);
        trigramTotals[locale] += c;
      }
    }
  }

  const classifier = new SoftmaxClassifier<NluIntent>(NLU_INTENTS);
  const examples: Example<NluIntent>[] = sentences.map((s) => ({ label: s.label, features: featuresOf(s.words) }));
  classifier.train(examples);
  return { vocabulary, classifier, languageCounts, languageTotals, idf, rareIdf: Math.log(1 + n / 3), trigramCounts, trigramTotals };
}

function getModel(): Model {
  model ??= buildModel();
  return model;
}

/** Builds the model now (start-up) instead of on the first message. */
export function warmUpNlu(): void {
  getModel();
}

/**
 * The language a message is written in: naive Bayes over the words both vocabularies know, plus
 * letter trigrams for words neither knows ("aceptan", "shipped"); null when the evidence is weak
 * (a number, "ok", an emoji).
 */
function detectLanguage(m: Model, words: readonly string[]): Locale | null {
  const candidates = words.filter((w) => !PLACEHOLDERS.has(w) && !isEmoji(w));
  if (candidates.length === 0) return null;
  const v = m.languageCounts.es.size + m.languageCounts.en.size;
  const tv = m.trigramCounts.es.size + m.trigramCounts.en.size;
  let score = 0; // log P(es) - log P(en)
  for (const w of candidates) {
    if (m.languageCounts.es.has(w) || m.languageCounts.en.has(w)) {
      const es = ((m.languageCounts.es.get(w) ?? 0) + 0.5) / (m.languageTotals.es + 0.5 * v);
      const en = ((m.languageCounts.en.get(w) ?? 0) + 0.5) / (m.languageTotals.en + 0.5 * v);
      score += Math.log(es) - Math.log(en);
    } else if (w.length >= 3) {
      // An unknown word counts for less than a known one: the mean of its trigram log-ratios.
      const grams = trigrams(w);
      let sum = 0;
      for (const g of grams) {
        const es = ((m.trigramCounts.es.get(g) ?? 0) + 0.5) / (m.trigramTotals.es + 0.5 * tv);
        const en = ((m.trigramCounts.en.get(g) ?? 0) + 0.5) / (m.trigramTotals.en + 0.5 * tv);
        sum += Math.log(es) - Math.log(en);
      }
      score += (sum / grams.length) * 1.5;
    }
  }
  // One clearly-marked word ("hola", "thanks") is enough; a shared word ("ok", "no") is not.
  if (score >= 1.5) return 'es';
  if (score <= -1.5) return 'en';
  return null;
}

// ---------- FAQ matching ----------

interface IndexedFaq<F extends FaqLike> {
  entry: F;
  /** Content words of the question: each its [es, en] stems and a weight. */
  question: { stems: readonly [string, string]; weight: number }[];
  /** Each keyword as the [es, en] stems of its words (all must be present), and whether it is distinctive. */
  keywords: { words: (readonly [string, string])[]; distinctive: boolean }[];
}

/** The Spanish and English stems of a word, as a pair (stems() gives one when they agree). */
function stemPair(w: string): readonly [string, string] {
  const s = stems(w);
  return [s[0]!, s[1] ?? s[0]!];
}

interface FaqIndex<F extends FaqLike> {
  entries: IndexedFaq<F>[];
  vocabulary: Vocabulary;
  /** Question words by stem (Spanish, English): which entry, which word. */
  questionByEs: Map<string, [entry: number, word: number][]>;
  questionByEn: Map<string, [entry: number, word: number][]>;
  /** Keywords by the stem of their first word: which entry, which keyword. */
  keywordByEs: Map<string, [entry: number, keyword: number][]>;
  keywordByEn: Map<string, [entry: number, keyword: number][]>;
}

const faqIndexes = new Map<string, FaqIndex<FaqLike>>();
const FAQ_INDEX_CACHE = 64;
/**
 * By the FAQ list itself: a site's settings are parsed once and shared, so every message of the
 * site finds its index without building the content key (all questions and keywords) again.
 */
const faqIndexByList = new WeakMap<readonly FaqLike[], FaqIndex<FaqLike>>();

function faqKey(faqs: readonly FaqLike[]): string {
  return faqs.map((f) => `${f.id}\u0001${f.locale}\u0001${f.question}\u0001${(f.keywords ?? []).join('\u0002')}`).join('\u0003');
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function indexFaqs<F extends FaqLike>(m: Model, faqs: readonly F[]): FaqIndex<F> {
  const same = faqIndexByList.get(faqs);
  if (same) return same as unknown as FaqIndex<F>;
  const key = faqKey(faqs);
  const cached = faqIndexes.get(key);
  if (cached) {
    // Refresh the entry objects (answers may have changed without changing the key).
    const index = { ...cached, entries: cached.entries.map((e, i) => ({ ...e, entry: faqs[i]! })) };
    faqIndexByList.set(faqs, index);
    return index as unknown as FaqIndex<F>;
  }
  const vocabulary = new Vocabulary();
  const words = (text: string) => tokenize(normalizeForNlu(text));
  for (const f of faqs) for (const w of [...words(f.question), ...(f.keywords ?? []).flatMap(words)]) if (!m.vocabulary.has(w)) vocabulary.add(w);
  const entries: IndexedFaq<F>[] = faqs.map((entry) => {
    const content = words(entry.question).filter((w) => !ALL_FUNCTION_WORDS.has(w) && !PLACEHOLDERS.has(w) && w.length > 1);
    return {
      entry,
      question: [...new Set(content)].map((w) => {
        const s = stemPair(w);
        return { stems: s, weight: Math.max(m.idf(s[0]), m.idf(s[1])) };
      }),
      keywords: (entry.keywords ?? [])
        .map(words)
        .filter((k) => k.length > 0)
        .map((k) => ({ words: k.map(stemPair), distinctive: k.some((w) => !m.vocabulary.recognises(w)) })),
    };
  });
  const index: FaqIndex<F> = { entries, vocabulary, questionByEs: new Map(), questionByEn: new Map(), keywordByEs: new Map(), keywordByEn: new Map() };
  entries.forEach((e, ei) => {
    e.question.forEach((q, wi) => {
      push(index.questionByEs, q.stems[0], [ei, wi]);
      push(index.questionByEn, q.stems[1], [ei, wi]);
    });
    e.keywords.forEach((k, ki) => {
      push(index.keywordByEs, k.words[0]![0], [ei, ki]);
      push(index.keywordByEn, k.words[0]![1], [ei, ki]);
    });
  });
  if (faqIndexes.size >= FAQ_INDEX_CACHE) faqIndexes.delete(faqIndexes.keys().next().value!);
  faqIndexes.set(key, index as unknown as FaqIndex<FaqLike>);
  faqIndexByList.set(faqs, index as unknown as FaqIndex<FaqLike>);
  return index;
}

/** A question is matched by at least half its weight, and by more than one common word. */
const FAQ_MIN_COVERAGE = 0.5;

/** Whether the keyword's words appear in the message consecutively and in order ("para regalo", not "para un regalo"). */
function containsPhrase(message: readonly (readonly [string, string])[], phrase: readonly (readonly [string, string])[], language: Locale | null): boolean {
  const es = language !== 'en';
  const en = language !== 'es';
  for (let i = 0; i + phrase.length <= message.length; i++) {
    let all = true;
    for (let j = 0; j < phrase.length; j++) {
      const a = message[i + j]!;
      const b = phrase[j]!;
      if (!((es && a[0] === b[0]) || (en && a[1] === b[1]))) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

/**
 * The best entry for the message. Only entries sharing a stem with the message can score, so
 * they are found through the index's stem maps rather than by scoring every entry (a site may
 * have hundreds); the scores are those of the full comparison, word for word.
 */
function matchFaq<F extends FaqLike>(m: Model, index: FaqIndex<F>, words: readonly string[], language: Locale | null, preferred: Locale): FaqMatch<F> | null {
  // Once the language is known, words compare by that language's stems only: the Spanish stemmer
  // would make "grinder" a "grind".
  const pairs = words.map(stemPair);
  const byEs = language !== 'en';
  const byEn = language !== 'es';
  // Which question words of which entries the message has, and which keywords start in it.
  const questionHits = new Map<number, Set<number>>();
  const keywordCandidates = new Map<number, Set<number>>();
  const mark = (into: Map<number, Set<number>>, list: readonly [number, number][] | undefined) => {
    if (!list) return;
    for (const [e, i] of list) {
      const set = into.get(e);
      if (set) set.add(i);
      else into.set(e, new Set([i]));
    }
  };
  for (const p of pairs) {
    if (byEs) {
      mark(questionHits, index.questionByEs.get(p[0]));
      mark(keywordCandidates, index.keywordByEs.get(p[0]));
    }
    if (byEn) {
      mark(questionHits, index.questionByEn.get(p[1]));
      mark(keywordCandidates, index.keywordByEn.get(p[1]));
    }
  }
  if (questionHits.size === 0 && keywordCandidates.size === 0) return null;
  const candidates = [...new Set([...questionHits.keys(), ...keywordCandidates.keys()])].sort((a, b) => a - b);
  const prefer = language ?? preferred;
  let best: FaqMatch<F> | null = null;
  for (const ei of candidates) {
    const e = index.entries[ei]!;
    let keyword = false;
    let distinctive = false;
    for (const ki of keywordCandidates.get(ei) ?? []) {
      const k = e.keywords[ki]!;
      if (containsPhrase(pairs, k.words, language)) {
        keyword = true;
        if (k.distinctive) distinctive = true;
      }
    }
    const hitWords = questionHits.get(ei);
    let total = 0;
    let covered = 0;
    let hits = 0;
    e.question.forEach((q, wi) => {
      total += q.weight;
      if (hitWords?.has(wi)) {
        covered += q.weight;
        hits++;
      }
    });
    const coverage = total > 0 ? covered / total : 0;
    // One shared word is a match only when it is a rare one.
    const enough = hits >= 2 || (hits === 1 && covered >= m.rareIdf);
    let score = coverage >= FAQ_MIN_COVERAGE && enough ? coverage * 0.85 : 0;
    if (keyword) score = Math.max(score, 0.9);
    if (score === 0) continue;
    // Same score: the entry in the message's (else the conversation's) language, then the earlier entry.
    const better = best === null || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && e.entry.locale === prefer && best.entry.locale !== prefer);
    if (better) best = { entry: e.entry, score, keyword, distinctive, coverage };
  }
  return best;
}

/**
 * A message's tokens, remembered for the last few hundred texts: each shopper message is read
 * twice — its language on arrival (`messageLanguage`), then the assistant's turn (`understand`) a
 * few milliseconds and, under load, some dozens of other messages later.
 */
const recentTokens = new Map<string, readonly string[]>();
const RECENT_TOKENS = 512;
/** Longer texts (rare) are read again rather than kept: the memo stays well under a megabyte. */
const RECENT_TOKENS_MAX_CHARS = 500;
function tokensOf(text: string): readonly string[] {
  if (text.length > RECENT_TOKENS_MAX_CHARS) return tokenize(normalizeForNlu(text));
  let tokens = recentTokens.get(text);
  if (!tokens) {
    tokens = Object.freeze(tokenize(normalizeForNlu(text)));
    recentTokens.set(text, tokens);
    if (recentTokens.size > RECENT_TOKENS) recentTokens.delete(recentTokens.keys().next().value!);
  }
  return tokens;
}

function correctWords(m: Model, words: readonly string[], faq: Vocabulary | null): string[] {
  return words.map((w) => {
    if (PLACEHOLDERS.has(w) || m.vocabulary.recognises(w) || faq?.recognises(w)) return w;
    const fromFaq = faq?.correct(w);
    if (fromFaq !== undefined && fromFaq !== w) return fromFaq;
    return m.vocabulary.correct(w);
  });
}

/**
 * Reads one message: intent, confidence, language and the best FAQ entry (any language; at equal
 * score the message's language, else `preferred`).
 */
export function understand<F extends FaqLike>(text: string, faqs: readonly F[] = [], preferred: Locale = 'es'): Understanding<F> {
  const m = getModel();
  const index = faqs.length > 0 ? indexFaqs(m, faqs) : null;
  const words = correctWords(m, tokensOf(text), index?.vocabulary ?? null);
  const features = featuresOf(words);
  const prediction = m.classifier.predict(features);
  const language = detectLanguage(m, words);
  const faq = index ? matchFaq(m, index, words, language, preferred) : null;
  const known = m.classifier.knows(features);
  return {
    intent: known ? prediction.label : 'none',
    confidence: known ? prediction.confidence : 0,
    ranked: prediction.ranked,
    language,
    faq,
    words,
  };
}

/** The language a message is written in, or null when it does not say ("ok", "1001", "👋"). */
export function messageLanguage(text: string): Locale | null {
  const m = getModel();
  return detectLanguage(m, correctWords(m, tokensOf(text), null));
}
