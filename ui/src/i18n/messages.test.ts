// Every language has every key English has, none empty, each with the same {placeholders} as English; and a
// message that parses as ICU MessageFormat in each (an unbalanced brace or a stray quote fails here, not in the
// window). Also the language chosen from the OS/browser list.
import { describe, expect, it } from 'vitest';

import { argumentsOf } from './icu-arguments';
import { DICTIONARIES, LANGUAGES, languageFromList, setLanguage, t } from './index.svelte';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const english = flatten(DICTIONARIES.en as unknown as Tree);

describe('the dictionaries', () => {
  it('has English messages to compare with', () => {
    expect(english.size).toBeGreaterThan(300);
  });

  for (const lang of LANGUAGES) {
    const messages = flatten(DICTIONARIES[lang] as unknown as Tree);

    it(`${lang}: has every English key and no other`, () => {
      expect([...messages.keys()].filter((k) => !english.has(k))).toEqual([]);
      expect([...english.keys()].filter((k) => !messages.has(k))).toEqual([]);
    });

    it(`${lang}: has no empty message`, () => {
      expect([...messages].filter(([, m]) => m.trim() === '').map(([k]) => k)).toEqual([]);
    });

    it(`${lang}: uses the same placeholders as English in every message`, () => {
      const differing: string[] = [];
      for (const [key, message] of messages) {
        const reference = english.get(key);
        if (reference === undefined) continue;
        const mine = argumentsOf(message, lang).join(',');
        const theirs = argumentsOf(reference, 'en').join(',');
        if (mine !== theirs) differing.push(`${key}: {${mine}} vs English {${theirs}}`);
      }
      expect(differing).toEqual([]);
    });
  }
});

describe('the language the OS or browser asks for', () => {
  it('maps fr* and nl* to French and Dutch, anything else to English', () => {
    expect(languageFromList(['fr-BE', 'en-US'])).toBe('fr');
    expect(languageFromList(['nl'])).toBe('nl');
    expect(languageFromList(['nl-BE'])).toBe('nl');
    expect(languageFromList(['de-DE', 'fr-FR'])).toBe('fr');
    expect(languageFromList(['en-GB', 'fr-FR'])).toBe('en');
    expect(languageFromList(['de-DE'])).toBe('en');
    expect(languageFromList([])).toBe('en');
  });
});

describe('t()', () => {
  it('formats numbers for the language in force, even where two languages share a message', () => {
    // `review.items` is written the same in English and Dutch; each must still write its own numbers.
    setLanguage('en');
    expect(t('review.items', { count: 1240 })).toBe('1,240 items');
    setLanguage('nl');
    expect(t('review.items', { count: 1240 })).toBe('1.240 items');
    setLanguage('fr');
    expect(t('review.items', { count: 1240 })).toBe('1\u202f240 éléments');
    expect(t('review.items', { count: 1 })).toBe('1 élément');
    setLanguage('en');
    expect(t('review.items', { count: 1 })).toBe('1 item');
  });
});
