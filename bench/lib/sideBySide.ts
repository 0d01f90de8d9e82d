import { closeAll, type Ctx, type Joined, measure, publishers, settle, type Window, waitIdle } from '../scenarios.js';
import type { Publication } from '../gen/Publication.js';
import type { BenchRoom, SystemName, SystemUnderTest } from '../systems/types.js';
import { type Bench, GEN_CPUS, SFU_CPUS } from './setup.js';

export interface RoomShape { publishers: number; kinds: Array<'audio' | 'video'> }
/** Webinar: 2 publishers with audio + video; audio room: 3 speakers, audio only (as run.ts's rooms). */
export const WEBINAR: RoomShape = { publishers: 2, kinds: ['audio', 'video'] };
export const AUDIO_ROOM: RoomShape = { publishers: 3, kinds: ['audio'] };

/** One system of a side-by-side run, with its room; its publishers send only on its turn. */
export interface Side { name: SystemName; sys: SystemUnderTest; ctx: Ctx; room: BenchRoom; pubs: Publication[]; all: Joined; close: () => Promise<void> }

/**
 * Systems running at once on the SFU's CPU, measured in turns (bench:pair, bench:edge): the
 * publishers' media goes to one system at a time, each window after the last one's SFU went
 * quiet, so drift of the shared machine hits them alike.
 */
export class SideBySide {
	readonly sides: Side[] = [];
	readonly #bench: Bench;
	readonly #windowMs: number;
	#active: SystemName | undefined;
	#prev: Ctx | undefined;

	constructor(bench: Bench, windowMs: number) {
		this.#bench = bench;
		this.#windowMs = windowMs;
	}

	/** Starts a system and opens its room with `publishers` sending `kinds`; no subscribers yet. */
	async add(name: SystemName, room: RoomShape): Promise<Side> {
		const { gen, clips, make } = this.#bench;
		const sys = make(name);
		await sys.start();
		const ctx: Ctx = { gen, clips, sys, genCpus: GEN_CPUS, sfuCpu: Number(SFU_CPUS), windowMs: this.#windowMs, log: (m) => console.log(m) };
		const r = await sys.openRoom();
		const pub = await publishers(ctx, r, room.publishers, room.kinds, () => this.#active === name);
		const all: Joined = { parts: [], subs: [], probes: [], failed: 0, subsOf: new Map() };
		const side: Side = { name, sys, ctx, room: r, pubs: pub.pubs, all, close: async () => { pub.close(); await closeAll([...all.parts, ...pub.parts]); await r.close().catch(() => {}); } };
		this.sides.push(side);
		return side;
	}

	/** One window of `side` with the media on, after the previous turn's SFU went quiet. */
	async turn(side: Side): Promise<Window> {
		this.#active = undefined;
		if (this.#prev) await waitIdle(this.#prev, true); // the last one may still drain queued packets
		this.#prev = side.ctx;
		this.#active = side.name;
		await settle();
		const w = await measure(side.ctx, side.all.subs, side.all.probes);
		this.#active = undefined;
		return w;
	}

	async stop(): Promise<void> {
		this.#active = undefined;
		for (const s of this.sides) {
			await s.close();
			await s.sys.stop();
		}
	}
}
