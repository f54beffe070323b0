/** What a template text expects at send time. */
export type Placeholders =
  | { kind: 'none' }
  /** `{{1}}…{{n}}`: n parameters, in order. */
  | { kind: 'positional'; count: number }
  /** `{{first_name}}`: one parameter per name, matched by `parameter_name`. */
  | { kind: 'named'; names: string[] };

// Meta allows spaces inside the braces when rendering; names are lower case, digits, underscores.
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The placeholders of one component text (header, body or a button URL). */
export function placeholdersIn(text: string | undefined): Placeholders {
  const tokens = [...new Set([...(text ?? '').matchAll(PLACEHOLDER)].map((match) => match[1]))];
  if (tokens.length === 0) return { kind: 'none' };
  if (tokens.every((token) => /^\d+$/.test(token))) {
    return { kind: 'positional', count: tokens.length };
  }
  return { kind: 'named', names: tokens };
}

export function placeholderCount(placeholders: Placeholders): number {
  switch (placeholders.kind) {
    case 'none':
      return 0;
    case 'positional':
      return placeholders.count;
    case 'named':
      return placeholders.names.length;
  }
}
