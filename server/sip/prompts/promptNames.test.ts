import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { PROMPT_LANGUAGES, PROMPT_NAMES, type PromptName, countPrompt } from './promptNames.js';

const BYTES_PER_SECOND = 8000; // 8 kHz, one byte per μ-law sample
const MAX_PROMPT_SECONDS = 8;
const MIN_PROMPT_SECONDS = 0.1;
const LOUDEST_PEAK_DBFS = -3; // generate.sh normalises every prompt's peak to this
const dir = (language: string) => new URL(`./${language}/`, import.meta.url);

/** Peak level of G.711 μ-law samples (ITU-T G.711 decoding), in dB below full scale. */
function ulawPeakDbfs(audio: Uint8Array): number {
	let peak = 0;
	for (const byte of audio) {
		const u = ~byte & 0xff;
		const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)) - 0x84;
		peak = Math.max(peak, magnitude);
	}
	return 20 * Math.log10(peak / 32768);
}

describe('dial-in prompts', () => {
	it.each(PROMPT_LANGUAGES)('every prompt exists in %s, is not empty, lasts under 8 s and peaks near -3 dBFS', (language) => {
		for (const name of PROMPT_NAMES) {
			const audio = readFileSync(new URL(`${name}.ul`, dir(language)));
			const seconds = audio.length / BYTES_PER_SECOND;
			expect(seconds, `${language}/${name}`).toBeGreaterThan(MIN_PROMPT_SECONDS);
			expect(seconds, `${language}/${name}`).toBeLessThan(MAX_PROMPT_SECONDS);
			expect(ulawPeakDbfs(audio), `${language}/${name}`).toBeGreaterThan(LOUDEST_PEAK_DBFS - 3);
			expect(ulawPeakDbfs(audio), `${language}/${name}`).toBeLessThanOrEqual(LOUDEST_PEAK_DBFS + 1);
		}
	});

	it.each(PROMPT_LANGUAGES)('%s holds no audio file that is not a known prompt', (language) => {
		const files = readdirSync(dir(language)).map((f) => f.replace(/\.ul$/, ''));
		expect(files.sort()).toEqual([...PROMPT_NAMES].sort());
	});

	it('countPrompt says 1 … 20 by number and anything larger as nMore', () => {
		expect([countPrompt(0), countPrompt(1), countPrompt(7), countPrompt(20)]).toEqual(['n1', 'n1', 'n7', 'n20']);
		expect([countPrompt(21), countPrompt(500)]).toEqual(['nMore', 'nMore']);
		expectTypeOf(countPrompt).returns.toEqualTypeOf<PromptName>();
	});
});
