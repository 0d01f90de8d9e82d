import type { Participant } from '../../server/rooms/Participant.js';
import type { Room } from '../../server/rooms/Room.js';
import type { AudioLink } from '../../server/sip/PhoneCallTypes.js';

/** A step the test lets go on when it chooses: `release()` or `fail(err)`. */
export class Gate {
	#open: (() => void) | undefined;
	#fail: ((err: unknown) => void) | undefined;
	readonly passed: Promise<void>;
	/** True once something waits at the gate. */
	waiting = false;

	constructor() {
		this.passed = new Promise<void>((ok, fail) => {
			this.#open = ok;
			this.#fail = fail;
		});
		this.passed.catch(() => {});
	}

	async wait(): Promise<void> {
		this.waiting = true;
		await this.passed;
	}

	release(): void {
		this.#open?.();
	}

	fail(err: unknown): void {
		this.#fail?.(err);
	}
}

/**
 * The whole AudioLink (RoomAudioLink's surface) without sockets: publish() produces through the
 * real Room (so mute and leave act on a real producer in the room's media); the room's mix is
 * a queue the test fills.
 */
export class FakeAudioLink implements AudioLink {
	readonly room: Room;
	readonly participant: Participant;
	closed = false;
	packetsOut = 0;
	/** Held before publish() produces, when set. */
	publishGate: Gate | undefined;
	readonly subscribed: string[] = [];
	readonly sentToRoom: Int16Array[] = [];
	/** What mix() hands out, one 20 ms frame each. */
	readonly roomAudio: Int16Array[] = [];
	rebuilds = 0;
	#producerId: string | undefined;

	constructor(room: Room, participant: Participant) {
		this.room = room;
		this.participant = participant;
	}

	get producerId(): string | undefined {
		return this.#producerId;
	}

	async publish(paused = false): Promise<string> {
		await this.publishGate?.wait();
		const info = await this.room.produce(this.participant.id, { transportId: 'plain', kind: 'audio', source: 'mic', paused, rtpParameters: {} });
		this.#producerId = info.id;
		return info.id;
	}

	async subscribe(producerId: string): Promise<void> {
		if (!this.closed) this.subscribed.push(producerId);
	}

	unsubscribe(consumerId: string): void {
		const i = this.subscribed.indexOf(consumerId);
		if (i >= 0) this.subscribed.splice(i, 1);
	}

	dropProducers(producerIds: readonly string[]): void {
		for (const id of producerIds) this.unsubscribe(id);
	}

	async rebuild(paused: boolean): Promise<void> {
		if (this.closed) return;
		this.rebuilds++;
		if (this.#producerId !== undefined) await this.publish(paused);
	}

	send(pcm: Int16Array): void {
		if (this.closed || !this.#producerId) return;
		this.packetsOut++;
		this.sentToRoom.push(pcm);
	}

	mix(): Int16Array | undefined {
		return this.roomAudio.shift();
	}

	close(): void {
		this.closed = true;
	}
}

/** Opens FakeAudioLinks, each held at `gate` (when set) as RoomAudioLink.open awaits the worker. */
export class FakeAudioLinkOpener {
	readonly links: FakeAudioLink[] = [];
	/** Per open(), whether its participant was still in the room when the link was made (what the real one makes on the router belongs to it then). */
	readonly memberWhenMade: boolean[] = [];
	gate: Gate | undefined;
	/** Given to each link made, to hold its publish(). */
	publishGate: Gate | undefined;
	/** Set to make open() fail (after the gate), as when the room's media is gone. */
	failWith: unknown;

	readonly open = async (room: Room, participant: Participant): Promise<FakeAudioLink> => {
		await this.gate?.wait();
		if (this.failWith !== undefined) throw this.failWith;
		const link = new FakeAudioLink(room, participant);
		link.publishGate = this.publishGate;
		this.links.push(link);
		this.memberWhenMade.push(room.participants().some((p) => p.id === participant.id));
		return link;
	};
}
