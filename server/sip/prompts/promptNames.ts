/**
 * Names of the dial-in voice prompts. Each is a file `<language>/<name>.ul` beside this module:
 * 8 kHz mono G.711 μ-law, no header (made by generate.sh, committed; see README.md).
 */

/** Prompt languages; each has its own folder of the same name. */
export const PROMPT_LANGUAGES = ['en', 'de'] as const;
export type PromptLanguage = (typeof PROMPT_LANGUAGES)[number];

/** Spoken counts for `*1`: index i says i + 1. Larger counts say `nMore`. */
const COUNT_PROMPTS = [
	'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9', 'n10',
	'n11', 'n12', 'n13', 'n14', 'n15', 'n16', 'n17', 'n18', 'n19', 'n20',
] as const;

/** Every prompt name. */
export const PROMPT_NAMES = [
	'welcome',
	'wrongPin',
	'tooManyTries',
	'joined',
	'muted',
	'unmuted',
	'mutedByModerator',
	'participantsPrefix',
	...COUNT_PROMPTS,
	'nMore',
	'ended',
	'removed',
	'unavailable',
] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];

/** The prompt that speaks a participant count: `n1` … `n20`, then `nMore` (0 says `n1`: the caller counts). */
export function countPrompt(count: number): PromptName {
	return COUNT_PROMPTS[Math.max(1, Math.floor(count)) - 1] ?? 'nMore';
}
