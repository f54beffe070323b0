/**
 * A message's text as keywords are compared: accents, case, punctuation, symbols (emoji) and
 * extra spaces do not count, so "Parar.", "parar" and "PARAR!" are all PARAR, while
 * "parar de fumar" stays three words and matches no one-word keyword.
 */
export function keywordForm(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toUpperCase();
}

export type KeywordMatch = 'opt-out' | 'opt-in' | undefined;

/** Whether the whole text is one of the opt-out or opt-in keywords (opt-out wins a tie). */
export function matchKeyword(
  text: string,
  keywords: { optOut: readonly string[]; optIn: readonly string[] },
): KeywordMatch {
  const form = keywordForm(text);
  if (!form) return undefined;
  if (keywords.optOut.some((word) => keywordForm(word) === form)) return 'opt-out';
  if (keywords.optIn.some((word) => keywordForm(word) === form)) return 'opt-in';
  return undefined;
}
