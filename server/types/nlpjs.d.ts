// The two Snowball stemmers the assistant's classifier uses (pure JS, no downloads). Only the
// stemmer files are loaded, not the packages' sentiment dictionaries.
declare module '@nlpjs/lang-es/src/stemmer-es' {
  export default class StemmerEs {
    stemWord(word: string): string;
  }
}
declare module '@nlpjs/lang-en-min/src/stemmer-en' {
  export default class StemmerEn {
    stemWord(word: string): string;
  }
}
