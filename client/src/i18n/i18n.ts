import { computed, signal } from '@preact/signals';
import de from './de.json';
import en from './en.json';

export type Lang = 'en' | 'de';
export type MessageKey = keyof typeof en;

// A compile-time check that German has every English key, and no more.
const DE: Record<MessageKey, string> = de satisfies Record<MessageKey, string>;
const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en, de: DE };

/** The first browser language we have, else English. Not stored: nothing is, without consent. */
// globalThis.navigator: unit tests run this module in Node, which may have no navigator.
export function detectLang(languages: readonly string[] = globalThis.navigator?.languages ?? []): Lang {
	for (const l of languages) {
		const base = l.slice(0, 2).toLowerCase();
		if (base === 'de' || base === 'en') return base;
	}
	return 'en';
}

export const lang = signal<Lang>(detectLang());
const catalogue = computed(() => CATALOGUES[lang.value]);

/** Whether `key` has a text (a code the page may not know yet, e.g. from a newer server). */
export function hasMessage(key: string): key is MessageKey {
	return Object.hasOwn(en, key);
}

/** The string for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
	return catalogue.value[key].replace(/\{(\w+)\}/g, (_, p: string) => String(params[p] ?? `{${p}}`));
}
