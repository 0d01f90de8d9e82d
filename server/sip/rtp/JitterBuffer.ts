/**
 * A small playout buffer for one incoming 20 ms audio stream: reorders by sequence number,
 * starts after `depth` frames, conceals a lost frame by repeating the last one at half volume
 * (G.711 has no concealment of its own), and counts loss and interarrival jitter (RFC 3550).
 */
export class JitterBuffer {
	readonly #frames = new Map<number, Buffer>();
	readonly #depth: number;
	readonly #max: number;
	#next: number | undefined;
	#started = false;
	#concealed = 0;
	// RFC 3550 A.8 interarrival jitter, in timestamp units.
	#jitter = 0;
	#lastTransit: number | undefined;
	received = 0;
	lost = 0;

	constructor(depth = 2, max = 12) {
		this.#depth = depth;
		this.#max = max;
	}

	/** Adds a frame; `arrival` in the stream's clock units. */
	push(sequence: number, timestamp: number, payload: Buffer, arrival: number): void {
		const transit = arrival - timestamp;
		if (this.#lastTransit !== undefined) this.#jitter += (Math.abs(transit - this.#lastTransit) - this.#jitter) / 16;
		this.#lastTransit = transit;
		if (this.#next !== undefined && seqDiff(sequence, this.#next) < 0) {
			if (this.#started) return; // too late
			this.#next = sequence; // reordered before playout began
		}
		this.#next ??= sequence;
		this.#frames.set(sequence, payload);
		this.received++;
		if (this.#frames.size > this.#max) {
			while (this.#frames.size > this.#max) this.#frames.delete(this.#oldest());
			this.#skipTo(this.#oldest());
		}
	}

	/** The next frame each 20 ms: a frame, 'conceal' for one lost frame, or undefined (silence). */
	pop(): Buffer | 'conceal' | undefined {
		if (this.#next === undefined) return undefined;
		if (!this.#started) {
			if (this.#frames.size < this.#depth) return undefined;
			this.#started = true;
		}
		const frame = this.#frames.get(this.#next);
		if (frame) {
			this.#frames.delete(this.#next);
			this.#next = (this.#next + 1) & 0xffff;
			this.#concealed = 0;
			return frame;
		}
		if (this.#frames.size === 0) {
			this.#started = false; // stream paused (hold, DTX): buffer again before playing
			return undefined;
		}
		this.#next = (this.#next + 1) & 0xffff;
		this.lost++;
		return this.#concealed++ === 0 ? 'conceal' : undefined;
	}

	/** Interarrival jitter in the stream's clock units. */
	get jitter(): number {
		return this.#jitter;
	}

	#oldest(): number {
		let oldest: number | undefined;
		for (const s of this.#frames.keys()) if (oldest === undefined || seqDiff(s, oldest) < 0) oldest = s;
		return oldest ?? 0;
	}

	#skipTo(sequence: number): void {
		if (this.#next !== undefined) this.lost += Math.max(0, seqDiff(sequence, this.#next));
		this.#next = sequence;
	}
}

/** a − b on 16-bit sequence numbers, in −32768 … 32767. */
export function seqDiff(a: number, b: number): number {
	return ((a - b + 0x18000) & 0xffff) - 0x8000;
}
