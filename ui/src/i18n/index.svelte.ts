// Docket's UI language: which one is in force (English, French or Dutch), the words of every screen in it, and
// its number and date formats. Every string the admin reads goes through `t()`; the dictionaries live in
// ./messages/ (one per language, keys grouped by screen). It deliberately knows no screen itself.
//
// Library: formatjs's intl-messageformat, the ICU MessageFormat engine most JavaScript i18n libraries wrap
// (svelte-i18n and react-intl among them): plurals such as `{count, plural, one {# item} other {# items}}`,
// numbers in a message formatted for the language, and a parser the dictionary test uses to compare
// placeholders. It is small, framework-free and actively maintained; Svelte 5's runes give the binding in a
// few lines below. Tried and left: svelte-i18n 4, whose message-formatter cache is keyed by the message
// alone, so a message written the same in two languages kept the first language's number format
// (kaisermann/svelte-i18n PR #251, open since 2024; messages.test.ts checks it here); Paraglide JS 2, whose
// compiler loads its message-format plugin from a CDN this offline build cannot reach; typesafe-i18n, no
// longer maintained.
//
// Reactivity: the language is a Svelte 5 rune (`language.current`). `t()` reads it, so any template or
// `$derived` that calls `t()` — directly or through a plain function such as guidanceFor() — is redrawn when
// the admin switches language, without remounting anything (the wizard keeps what was typed).
//
// Adding keys (e.g. a new wizard step): add them to messages/en.ts under the screen's group, then to fr.ts and
// nl.ts with the same key and the same {placeholders}. TypeScript rejects a dictionary whose keys differ from
// English, and src/i18n/messages.test.ts fails on an empty message or a placeholder that differs.
import IntlMessageFormat from 'intl-messageformat';

import en, { type Messages } from './messages/en';
import fr from './messages/fr';
import nl from './messages/nl';

export const LANGUAGES = ['en', 'fr', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name, for the switcher (always written in that language). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français', nl: 'Nederlands' };

/** The BCP 47 tag numbers and dates are formatted with. */
const FORMAT_TAG: Record<Language, string> = { en: 'en-US', fr: 'fr-FR', nl: 'nl-NL' };

/** Where the admin's choice is remembered (also the way to force a language in tests and screenshots). */
export const STORAGE_KEY = 'docket.language';

export const DICTIONARIES: Record<Language, Messages> = { en, fr, nl };

/** Dotted paths to every message, e.g. `wizard.next`: `t()` takes only these. */
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;
export type MessageValues = Record<string, string | number>;

/** fr*, nl* → French, Dutch; anything else → English. The first language the OS or browser lists that we have wins. */
export function languageFromList(list: readonly string[]): Language {
  for (const tag of list) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'fr' || base === 'nl') return base;
    if (base === 'en') return 'en';
  }
  return 'en';
}

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

/** The admin's remembered choice, else the OS/browser languages, else English. */
export function initialLanguage(): Language {
  const nav = globalThis.navigator as Navigator | undefined;
  return storedLanguage() ?? languageFromList(nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : []);
}

const start = initialLanguage();

/** The language in force. Read `language.current`; change it with setLanguage(). */
export const language = $state<{ current: Language }>({ current: start });

/** The message under a dotted key in one language, or undefined. */
function lookup(lang: Language, key: string): string | undefined {
  let node: unknown = DICTIONARIES[lang];
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** Parsed messages, per language and key (the same words in two languages still format numbers apart). */
const formatters = new Map<string, IntlMessageFormat>();

function formatter(lang: Language, key: string, message: string): IntlMessageFormat {
  const id = `${lang}\u0000${key}`;
  let found = formatters.get(id);
  if (!found) {
    found = new IntlMessageFormat(message, FORMAT_TAG[lang]);
    formatters.set(id, found);
  }
  return found;
}

/** Switches every screen to `lang` and remembers it (the window's own effects, e.g. the tray's labels, follow). */
export function setLanguage(lang: Language): void {
  language.current = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // A browser without storage only forgets the choice.
  }
}

/** Whether English has a message under this dotted key (for codes from the shell, e.g. a run's status). */
export function hasMessage(key: string): boolean {
  return lookup('en', key) !== undefined;
}

/** A message in the language in force, with its {placeholders} filled in. */
export function t(key: MessageKey, values?: MessageValues): string {
  // Reading the rune makes the caller's template or $derived follow the language.
  const lang = language.current;
  const own = lookup(lang, key);
  // English stands in for a message another language lacks (the tests keep that from shipping).
  const [using, message] = own !== undefined ? [lang, own] : ['en' as const, lookup('en', key) ?? key];
  return String(formatter(using, key, message).format(values));
}

/**
 * A message split around its placeholders, so a template can put a value in <code> or <strong>: text parts
 * are `{ text }`, placeholders `{ name, value }`. The order is the language's own.
 */
export function tParts(key: MessageKey, values: MessageValues): ({ text: string } | { name: string; value: string })[] {
  const marked: MessageValues = {};
  for (const name of Object.keys(values)) marked[name] = `\u0000${name}\u0000`;
  const parts = t(key, marked).split('\u0000');
  return parts
    .map((part, i) => (i % 2 === 1 ? { name: part, value: String(values[part]) } : { text: part }))
    .filter((part) => !('text' in part) || part.text !== '');
}

/** The tag numbers and dates are formatted with, e.g. `fr-FR`. */
export function formatTag(): string {
  return FORMAT_TAG[language.current];
}

/** Intl formatters, per locale tag and options: building one is costly and counts redraw on every event. */
const intlFormats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

/** The cached `Intl.NumberFormat` or `Intl.DateTimeFormat` for `tag` with `options`. */
export function intlFormat<K extends 'number' | 'date'>(
  kind: K,
  tag: string,
  options: K extends 'number' ? Intl.NumberFormatOptions : Intl.DateTimeFormatOptions = {},
): K extends 'number' ? Intl.NumberFormat : Intl.DateTimeFormat {
  const id = `${kind}\u0000${tag}\u0000${JSON.stringify(options)}`;
  let found = intlFormats.get(id);
  if (!found) {
    found = kind === 'number' ? new Intl.NumberFormat(tag, options) : new Intl.DateTimeFormat(tag, options);
    intlFormats.set(id, found);
  }
  return found as K extends 'number' ? Intl.NumberFormat : Intl.DateTimeFormat;
}

/** A number as the language writes it: `1,234` / `1 234` / `1.234`. */
export function formatNumber(n: number, options?: Intl.NumberFormatOptions): string {
  return intlFormat('number', formatTag(), options).format(n);
}

if (typeof document !== 'undefined') document.documentElement.lang = start;
