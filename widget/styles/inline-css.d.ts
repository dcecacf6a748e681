/** A stylesheet imported as its text (Vite `?inline`), for a lazy chunk to adopt (widget/app/lazy.ts). */
declare module '*.css?inline' {
  const css: string;
  export default css;
}
