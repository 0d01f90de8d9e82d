/**
 * What this browser stores, and only after the user agrees (invariant 1; no cookies at all):
 * that the privacy notice was confirmed, and, if the user ticked the box, their display name.
 */
const CONSENT_KEY = 'plenum.consent';
const NAME_KEY = 'plenum.displayName';

export function hasConsent(): boolean {
	return localStorage.getItem(CONSENT_KEY) === '1';
}

/** Called only from the privacy notice's confirm button. */
export function giveConsent(): void {
	localStorage.setItem(CONSENT_KEY, '1');
}

export function rememberedName(): string {
	return hasConsent() ? (localStorage.getItem(NAME_KEY) ?? '') : '';
}

/** Remembers the name when the user asked to (and consented); forgets it otherwise. */
export function rememberName(name: string, remember: boolean): void {
	if (remember && hasConsent()) localStorage.setItem(NAME_KEY, name);
	else localStorage.removeItem(NAME_KEY);
}
