import type { Page } from 'playwright-core';

const SAMPLE_MS = 100;

/** Longest stretch (ms) in which one viewer decoded no new video frame, or no new audio sample, of one publisher. */
export interface PairGap { viewer: string; publisher: string; videoMs: number; audioMs: number }

interface Track { last: number; lastRise: number; maxGap: number }

/**
 * Samples `pages` every ~100 ms (each page in its own loop, so a slow getStats on one does not
 * delay the others) from start() until stop(). Counters are kept per consumer: a consumer made
 * again after a reconnect starts from 0, so only a rise of the same consumer counts as progress.
 */
export class GapSampler {
	readonly #pages: Page[];
	readonly #ids: string[];
	// viewer index → `${publisher}|${kind}` → track; consumer id → last value.
	readonly #tracks: Array<Map<string, Track>>;
	readonly #lastByConsumer: Array<Map<string, number>>;
	#running = false;
	#loops: Promise<void>[] = [];
	#t0 = 0;

	readonly #stale: ReadonlyArray<ReadonlySet<string>>;

	/** `stale[i]`: consumers on page i whose rises after the baseline do not count (their stream ends with the signal). */
	constructor(pages: Page[], ids: string[], stale: ReadonlyArray<ReadonlySet<string>> = []) {
		this.#pages = pages;
		this.#stale = stale;
		this.#ids = ids;
		this.#tracks = pages.map(() => new Map());
		this.#lastByConsumer = pages.map(() => new Map());
	}

	/** Takes one sample of every page (the baseline, before the kill or signal), then keeps sampling. */
	async start(): Promise<void> {
		this.#t0 = performance.now();
		for (const [i, ids] of this.#ids.entries()) {
			for (const p of this.#ids) if (p !== ids) for (const kind of ['video', 'audio']) this.#tracks[i]!.set(`${p}|${kind}`, { last: 0, lastRise: this.#t0, maxGap: 0 });
		}
		await Promise.all(this.#pages.map((_, i) => this.#sample(i, true)));
		this.#running = true;
		this.#loops = this.#pages.map((_, i) => this.#loop(i));
	}

	/** Stops sampling; the stretch since each pair's last rise counts too. */
	async stop(): Promise<PairGap[]> {
		this.#running = false;
		await Promise.all(this.#loops);
		const end = performance.now();
		const out: PairGap[] = [];
		for (const [i, viewer] of this.#ids.entries()) {
			for (const publisher of this.#ids) {
				if (publisher === viewer) continue;
				const gap = (kind: string) => {
					const t = this.#tracks[i]!.get(`${publisher}|${kind}`)!;
					return Math.max(t.maxGap, end - t.lastRise);
				};
				out.push({ viewer, publisher, videoMs: gap('video'), audioMs: gap('audio') });
			}
		}
		return out;
	}

	async #loop(i: number): Promise<void> {
		while (this.#running) {
			const began = performance.now();
			await this.#sample(i);
			await new Promise((r) => setTimeout(r, Math.max(0, SAMPLE_MS - (performance.now() - began))));
		}
	}

	async #sample(i: number, baseline = false): Promise<void> {
		const stats = await this.#pages[i]!.evaluate(() => window.plenum?.client?.inboundStats() ?? Promise.resolve([])).catch(() => []);
		const now = performance.now();
		const rose = new Set<string>();
		const seen = this.#lastByConsumer[i]!;
		for (const s of stats) {
			const value = s.source === 'camera' ? s.framesDecoded : s.source === 'mic' ? s.totalSamplesReceived : undefined;
			if (value === undefined || (!baseline && this.#stale[i]?.has(s.consumerId))) continue;
			const key = `${s.participantId}|${s.source === 'camera' ? 'video' : 'audio'}`;
			if (value > (seen.get(s.consumerId) ?? 0)) rose.add(key);
			seen.set(s.consumerId, value);
		}
		for (const key of rose) {
			const t = this.#tracks[i]!.get(key);
			if (!t) continue;
			if (!baseline) t.maxGap = Math.max(t.maxGap, now - t.lastRise);
			t.lastRise = now;
		}
	}
}

/** Per disruption: the gaps that matter, each the max over its pairs and over video and audio. */
export interface GapSummary {
	/** The signalled node's participant's media, as the others saw it. */
	itsMediaMs: number;
	/** What the signalled node's participant saw of the others. */
	itSawMs: number;
	/** Between the participants on the other nodes (expected ~0: only the signalled node's publishers pause). */
	survivorsMs: number;
}

/** Sums up `gaps` for the participant `victim` (its id). */
export function summarise(gaps: PairGap[], victim: string): GapSummary {
	const max = (xs: PairGap[]) => Math.max(0, ...xs.map((g) => Math.max(g.videoMs, g.audioMs)));
	return {
		itsMediaMs: max(gaps.filter((g) => g.publisher === victim)),
		itSawMs: max(gaps.filter((g) => g.viewer === victim)),
		survivorsMs: max(gaps.filter((g) => g.viewer !== victim && g.publisher !== victim)),
	};
}
