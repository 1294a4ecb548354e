// The core's own sentences (its errors, a mapping CSV's row problems, run warnings, advice) in the admin's
// language. The core sends each as a `Text`: a key, its values, and the English sentence. The English catalog
// (./core/en.ts) is generated from the Rust sources; ./core/fr.ts and ./core/nl.ts translate it, key by key,
// with the same {placeholders} (src/i18n/core.test.ts holds them to it). A value may be a sentence of its
// own, which is translated the same way; numbers are written the language's way. A key no catalog knows
// (a newer core) shows the core's English sentence, never a key.
import IntlMessageFormat from 'intl-messageformat';

import type { Arg } from '../generated/Arg';
import type { Text } from '../generated/Text';
import { coreEn } from './core/en';
import { coreFr } from './core/fr';
import { coreNl } from './core/nl';
import { formatNumber, formatTag, language, type Language } from './index.svelte';

export const CORE_CATALOGS: Record<Language, Record<string, string>> = { en: coreEn, fr: coreFr, nl: coreNl };

/** The key of a sentence another system wrote, passed on as it came (`values.text`). */
export const VERBATIM = 'verbatim';

/** A sentence that is shown as it is in every language (for example one the window itself made). */
export function verbatim(message: string): Text {
  return { key: VERBATIM, values: { text: message }, message };
}

const formatters = new Map<string, IntlMessageFormat>();

function formatter(lang: Language, key: string, template: string): IntlMessageFormat {
  const id = `${lang}\u0000${key}`;
  let found = formatters.get(id);
  if (!found) {
    // `<` in a sentence is text (`http://host/ACCOUNT/<container>`), never markup.
    found = new IntlMessageFormat(template, formatTag(), undefined, { ignoreTag: true });
    formatters.set(id, found);
  }
  return found;
}

function value(arg: Arg | undefined): string {
  if (arg === undefined || arg === null) return '';
  if (typeof arg === 'number') return formatNumber(arg);
  if (typeof arg === 'string') return arg;
  return say(arg);
}

/** `text` in the language in force (reading the language rune, so a template that calls it follows a switch). */
export function say(text: Text | null | undefined): string {
  if (text === null || text === undefined) return '';
  const lang = language.current;
  if (text.key === VERBATIM) return String(text.values.text ?? text.message);
  const template = CORE_CATALOGS[lang][text.key];
  if (template === undefined) return text.message;
  const values: Record<string, string> = {};
  for (const [name, arg] of Object.entries(text.values)) values[name] = value(arg);
  try {
    return String(formatter(lang, text.key, template).format(values));
  } catch {
    // A value the template cannot take (never expected: the tests parse every template) shows the English.
    return text.message;
  }
}

/** `text` as a sentence on its own: a capital first letter and a full stop (the core's words start small). */
export function saySentence(text: Text | null | undefined): string {
  const said = say(text).trim();
  if (said === '') return '';
  // A sentence that begins with a value (a column header, a path) keeps the value as the file wrote it.
  const template = text ? CORE_CATALOGS[language.current][text.key] : undefined;
  if (template?.startsWith('{')) return /[.!?…)]$/.test(said) ? said : `${said}.`;
  const capital = said.charAt(0).toLocaleUpperCase(formatTag()) + said.slice(1);
  return /[.!?…)]$/.test(capital) ? capital : `${capital}.`;
}
