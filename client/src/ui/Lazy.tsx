import { type Signal, signal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { t } from '../i18n/i18n.js';

/**
 * A component whose code is fetched the first time it is shown (from our own origin: Vite
 * splits it into its own chunk), so the page a participant first loads stays small.
 */
export function lazy(load: () => Promise<ComponentType>): ComponentType {
	const loaded: Signal<ComponentType | undefined> = signal(undefined);
	let started = false;
	return function Lazy() {
		if (!started) {
			started = true;
			void load().then((c) => { loaded.value = c; });
		}
		const C = loaded.value;
		return C ? <C /> : <p class="panel loading" role="status">{t('notes.loading')}</p>;
	};
}
