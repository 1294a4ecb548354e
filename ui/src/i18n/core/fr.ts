// The core's sentences in French: the keys of ./en.ts (generated from the Rust sources), each with the same
// {placeholders}. Part A holds the sources' and the targets' words (exports, X, Telegram's bot, storage,
// Graph); part B the rest (mapping CSVs, settings, the Entra ID app, the schedule). src/i18n/core.test.ts
// fails on a missing, extra or empty key, or on a placeholder that differs.
import { coreFrA } from './fr-a';
import { coreFrB } from './fr-b';

export const coreFr: Record<string, string> = { ...coreFrA, ...coreFrB };
