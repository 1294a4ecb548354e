// The argument names an ICU message uses, however deep (inside plurals too), for the dictionary tests. With
// `ignoreTag`, `<…>` is text, as the core's sentences read (`http://host/ACCOUNT/<container>`).
import IntlMessageFormat from 'intl-messageformat';

export function argumentsOf(message: string, locale: string, ignoreTag = false): string[] {
  const names = new Set<string>();
  const walk = (nodes: unknown[]) => {
    for (const node of nodes as { type: number; value?: string; options?: Record<string, { value: unknown[] }> }[]) {
      // Literal (0) and pound (7) carry no name; argument, number, date, time, select and plural do.
      if (node.type !== 0 && node.type !== 7 && typeof node.value === 'string') names.add(node.value);
      for (const option of Object.values(node.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag }).getAst() as unknown[]);
  return [...names].sort();
}
