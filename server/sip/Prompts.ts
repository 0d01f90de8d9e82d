import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import g711 from 'alawmulaw';

export type PromptLanguage = 'en' | 'de';
const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'prompts');

/**
 * The spoken prompts, generated at development time (prompts/generate.sh) and committed as
 * 8 kHz μ-law; loaded once and kept as PCM (a few hundred kB).
 */
export class Prompts {
	readonly #pcm = new Map<string, Int16Array>();
	readonly language: PromptLanguage;

	constructor(language: PromptLanguage, dir = DIR) {
		this.language = language;
		const langDir = path.join(dir, language);
		for (const file of readdirSync(langDir)) {
			if (file.endsWith('.ul')) this.#pcm.set(file.slice(0, -3), g711.mulaw.decode(readFileSync(path.join(langDir, file))));
		}
	}

	/** A prompt's audio; throws for an unknown name (a bug, caught by the tests). */
	get(name: string): Int16Array {
		const pcm = this.#pcm.get(name);
		if (!pcm) throw new Error(`no prompt ${name} for ${this.language}`);
		return pcm;
	}

	/** "Participants in the meeting: seven" as one clip list. */
	count(n: number): Int16Array[] {
		return [this.get('participantsPrefix'), this.get(n >= 1 && n <= 20 ? `n${n}` : 'nMore')];
	}
}

/** Plays queued clips 20 ms at a time; `onDone` runs once the queue ran empty. */
export class PromptPlayer {
	#queue: Int16Array[] = [];
	#offset = 0;
	#onDone: (() => void) | undefined;

	play(clips: Int16Array[], onDone?: () => void): void {
		this.#queue = [...clips];
		this.#offset = 0;
		this.#onDone = onDone;
	}

	get playing(): boolean {
		return this.#queue.length > 0;
	}

	next(samples: number): Int16Array | undefined {
		const clip = this.#queue[0];
		if (!clip) return undefined;
		const out = new Int16Array(samples);
		out.set(clip.subarray(this.#offset, this.#offset + samples));
		this.#offset += samples;
		if (this.#offset >= clip.length) {
			this.#queue.shift();
			this.#offset = 0;
			if (this.#queue.length === 0) {
				const done = this.#onDone;
				this.#onDone = undefined;
				done?.();
			}
		}
		return out;
	}
}
