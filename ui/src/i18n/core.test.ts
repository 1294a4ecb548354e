// The core's sentences: French and Dutch have every key of the English catalog (generated from the Rust
// sources), none empty, each with the same {placeholders}, and every template parses as ICU MessageFormat.
// say() fills a text's values in the language in force, translating a nested text too.
import { afterEach, describe, expect, it } from 'vitest';

import { CORE_CATALOGS, say, saySentence, verbatim } from './core';
import { argumentsOf } from './icu-arguments';
import { LANGUAGES, setLanguage } from './index.svelte';

/** The placeholders as the core writes them: `{name}`, nothing else. */
function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
}

const english = CORE_CATALOGS.en;

describe('the core catalogs', () => {
  it('has the English catalog the Rust sources give', () => {
    expect(Object.keys(english).length).toBeGreaterThan(150);
  });

  for (const lang of LANGUAGES) {
    const catalog = CORE_CATALOGS[lang];

    it(`${lang}: has every English key and no other, none empty`, () => {
      expect(Object.keys(catalog).filter((k) => !(k in english))).toEqual([]);
      expect(Object.keys(english).filter((k) => !(k in catalog))).toEqual([]);
      expect(Object.entries(catalog).filter(([, m]) => m.trim() === '').map(([k]) => k)).toEqual([]);
    });

    it(`${lang}: every template parses and names the placeholders the core fills`, () => {
      const differing: string[] = [];
      for (const [key, template] of Object.entries(catalog)) {
        const wanted = placeholders(english[key] ?? '').join(',');
        let found: string;
        try {
          found = argumentsOf(template, lang, true).join(',');
        } catch (e) {
          found = `unparsable: ${String(e)}`;
        }
        if (found !== wanted) differing.push(`${key}: ${found} ≠ ${wanted}`);
      }
      expect(differing).toEqual([]);
    });
  }
});

describe('say', () => {
  afterEach(() => setLanguage('en'));

  const text = {
    key: 'ledger.busy',
    values: { path: '/home/admin/.local/share/docket' },
    message: 'another Docket run is using /home/admin/.local/share/docket. Wait for it to finish, or point this run at another --state folder.',
  };

  it('gives the core English sentence in English', () => {
    setLanguage('en');
    expect(say(text)).toBe(text.message);
  });

  it('says it in French and Dutch, with the value in place', () => {
    setLanguage('fr');
    const fr = say(text);
    expect(fr).not.toBe(text.message);
    expect(fr).toContain('/home/admin/.local/share/docket');
    setLanguage('nl');
    const nl = say(text);
    expect(nl).not.toBe(fr);
    expect(nl).toContain('/home/admin/.local/share/docket');
  });

  it('translates a nested text and writes numbers the language’s way', () => {
    const nested = {
      key: 'config.invalid',
      values: {
        field: { key: 'field.schedule', values: {}, message: 'schedule' },
        message: { key: 'schedule.hours', values: { hours: 1000, max: 168 }, message: 'every 1000 hours is not allowed; choose from 1 to 168 hours' },
      },
      message: 'schedule: every 1000 hours is not allowed; choose from 1 to 168 hours',
    };
    setLanguage('fr');
    const fr = say(nested);
    expect(fr).toContain(CORE_CATALOGS.fr['field.schedule']);
    expect(fr).toMatch(/1\s000/);
    expect(fr).not.toContain('hours');
  });

  it('shows the core English for a key no catalog knows, and a verbatim text as it is', () => {
    setLanguage('nl');
    expect(say({ key: 'newer.core.key', values: {}, message: 'Something new.' })).toBe('Something new.');
    expect(say(verbatim('HTTP 502 from the proxy'))).toBe('HTTP 502 from the proxy');
    expect(saySentence(verbatim('a webhook is set'))).toBe('A webhook is set.');
    setLanguage('en');
    const cell = { key: 'mapping.phone.invalid', values: { column: 'mobile', cell: '555' }, message: 'mobile "555" is not a valid phone number; check the country code and the digits' };
    expect(saySentence(cell)).toBe('mobile "555" is not a valid phone number; check the country code and the digits.');
  });
});

describe('the catalogs’ parts', () => {
  it('split each language with no key in both parts', async () => {
    const { coreFrA } = await import('./core/fr-a');
    const { coreFrB } = await import('./core/fr-b');
    const { coreNlA } = await import('./core/nl-a');
    const { coreNlB } = await import('./core/nl-b');
    expect(Object.keys(coreFrA).filter((k) => k in coreFrB)).toEqual([]);
    expect(Object.keys(coreNlA).filter((k) => k in coreNlB)).toEqual([]);
  });
});
