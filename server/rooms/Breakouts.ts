import { randomBytes } from 'node:crypto';
import type { BreakoutsView } from '../protocol/responses.js';
import { PlenumError } from '../shared/errors.js';
import { type ParticipantId, type RoomId, asRoomId } from '../shared/ids.js';
import type { Participant } from './Participant.js';
import type { Room } from './Room.js';

/** Opens a breakout room as a room of its own (media, chat, notes, board), kept by the registry. */
export type OpenRoom = (id: RoomId) => Promise<Room>;

export interface BreakoutPlan {
	rooms: Array<{ name: string; participantIds: string[] }>;
	allowChoose: boolean;
	durationSeconds: number;
}

interface Breakout {
	id: RoomId;
	name: string;
	room: Room;
}

/**
 * A meeting's breakout rooms, owned by its main room. Each breakout room is a room of its own;
 * participants move between them on their connection (Participant.moveTo). When the time is
 * up (or a moderator ends them) everyone goes back to the main room first, then the breakout
 * rooms close, and with them their chat, notes, whiteboard and presentations.
 */
export class Breakouts {
	readonly #main: Room;
	readonly #open: OpenRoom;
	#rooms: Breakout[] = [];
	#allowChoose = false;
	#endsAt = 0;
	#timer: NodeJS.Timeout | undefined;
	/** Where the plan puts each participant, by its id now (a move makes a new participant: re-keyed). */
	readonly #assigned = new Map<ParticipantId, RoomId>();
	#ending: Promise<void> | undefined;
	#touched: NodeJS.Timeout | undefined;
	#starting = false;

	constructor(main: Room, open: OpenRoom) {
		this.#main = main;
		this.#open = open;
	}

	get running(): boolean {
		return this.#rooms.length > 0;
	}

	/** The breakout rooms now open. */
	rooms(): Room[] {
		return this.#rooms.map((b) => b.room);
	}

	/** Opens the rooms and moves everyone the plan names; PLN_BREAKOUTS_RUNNING when they already run. */
	async start(by: Participant, plan: BreakoutPlan): Promise<void> {
		mustModerate(by);
		if (this.running || this.#ending || this.#starting) throw new PlenumError('PLN_BREAKOUTS_RUNNING');
		// Set before the first await: a second start meanwhile would open a second, orphaned set.
		this.#starting = true;
		const opened: Breakout[] = [];
		try {
			for (const r of plan.rooms) {
				const id = asRoomId(`b~${randomBytes(15).toString('base64url')}`);
				const room = await this.#open(id);
				room.setParent(this.#main);
				opened.push({ id, name: r.name, room });
				if (this.#main.closed) throw new PlenumError('PLN_ROOM_CLOSED');
			}
		} catch (err) {
			for (const b of opened) b.room.close('breakoutEnded');
			throw err;
		} finally {
			this.#starting = false;
		}
		this.#rooms = opened;
		this.#allowChoose = plan.allowChoose;
		this.#schedule(Date.now() + plan.durationSeconds * 1000);
		const moves = plan.rooms.flatMap((r, i) => {
			const b = opened[i] as Breakout;
			return r.participantIds.map(async (id) => {
				const p = this.#main.participants().find((x) => x.id === id);
				if (!p) return;
				const now = await p.moveTo(b.room).catch(() => undefined);
				this.#assigned.set(now?.id ?? p.id, b.id);
			});
		});
		await Promise.all(moves);
		this.changed();
	}

	/** `p` (in any room of the meeting) goes to breakout `to`, or back to the main room (null). */
	async go(by: Participant, p: Participant, to: string | null): Promise<void> {
		if (!this.running) throw new PlenumError('PLN_BREAKOUTS_NOT_RUNNING');
		const target = to === null ? this.#main : this.#rooms.find((b) => b.id === to)?.room;
		if (!target) throw new PlenumError('PLN_NOT_FOUND');
		const prior = this.#assigned.get(p.id);
		if (by !== p) mustModerate(by);
		else if (by.role !== 'moderator' && to !== null && !this.#allowChoose && prior !== to) throw new PlenumError('PLN_NOT_MODERATOR');
		if (this.#roomOf(p) === target) return;
		const now = await p.moveTo(target);
		if (!now) throw new PlenumError('PLN_PARTICIPANT_NOT_FOUND');
		// The plan follows the move; back in the main room one keeps the room the plan gave it.
		this.#assigned.delete(p.id);
		const place = to === null ? prior : (to as RoomId);
		if (place) this.#assigned.set(now.id, place);
		this.changed();
	}

	extend(by: Participant, seconds: number): void {
		mustModerate(by);
		if (!this.running) throw new PlenumError('PLN_BREAKOUTS_NOT_RUNNING');
		this.#schedule(this.#endsAt + seconds * 1000);
		this.changed();
	}

	/** A moderator's message to every room of the meeting. */
	broadcast(by: Participant, text: string): void {
		mustModerate(by);
		if (!this.running) throw new PlenumError('PLN_BREAKOUTS_NOT_RUNNING');
		for (const room of [this.#main, ...this.#rooms.map((b) => b.room)]) room.broadcast({ event: 'breakoutMessage', data: { text } });
	}

	/** Everyone back to the main room, then the breakout rooms close (with all they held). */
	end(by?: Participant): Promise<void> {
		if (by) mustModerate(by);
		if (!this.running) return this.#ending ?? Promise.resolve();
		this.#ending ??= this.#endNow().finally(() => {
			this.#ending = undefined;
		});
		return this.#ending;
	}

	/** The main room closes: the breakout rooms close with it, nobody is moved. */
	close(): void {
		clearTimeout(this.#timer);
		clearTimeout(this.#touched);
		const rooms = this.#rooms;
		this.#rooms = [];
		this.#assigned.clear();
		for (const b of rooms) b.room.close('roomEnded');
	}

	/** What `p` sees of the breakout rooms (null when none run). */
	view(p: Participant | undefined): BreakoutsView | null {
		if (!this.running) return null;
		return {
			rooms: this.#rooms.map((b) => ({ id: b.id, name: b.name, members: b.room.participants().map((x) => ({ id: x.id, name: x.displayName })) })),
			allowChoose: this.#allowChoose,
			remainingMs: Math.max(0, this.#endsAt - Date.now()),
			assigned: (p && this.#assigned.get(p.id)) ?? null,
			mainRoomId: this.#main.id,
		};
	}

	/** The name of breakout room `room` (undefined: not one of ours). */
	nameOf(room: Room): string | undefined {
		return this.#rooms.find((b) => b.room === room)?.name;
	}

	/** Someone joined or left a room of the meeting: the member lists change (told once for a burst). */
	touch(): void {
		if (!this.running || this.#touched) return;
		this.#touched = setTimeout(() => {
			this.#touched = undefined;
			this.changed();
		}, 50);
		this.#touched.unref();
	}

	/** Tells every participant of every room of the meeting what the breakout rooms look like now. */
	changed(): void {
		for (const room of [this.#main, ...this.#rooms.map((b) => b.room)]) {
			for (const p of room.participants()) p.notify({ event: 'breakoutsChanged', data: { breakouts: this.view(p) } });
		}
	}

	async #endNow(): Promise<void> {
		clearTimeout(this.#timer);
		clearTimeout(this.#touched);
		const rooms = this.#rooms;
		const back = rooms.flatMap((b) => b.room.participants()).map((p) => p.moveTo(this.#main).catch(() => undefined));
		await Promise.all(back);
		this.#rooms = [];
		this.#assigned.clear();
		for (const b of rooms) b.room.close('breakoutEnded');
		this.changed();
		// Everyone may have left meanwhile: the main room was held open for the breakout rooms only.
		this.#main.closeIfEmpty();
	}

	#schedule(endsAt: number): void {
		clearTimeout(this.#timer);
		this.#endsAt = endsAt;
		this.#timer = setTimeout(() => void this.end(), Math.max(0, endsAt - Date.now()));
		this.#timer.unref();
	}

	#roomOf(p: Participant): Room | undefined {
		return [this.#main, ...this.#rooms.map((b) => b.room)].find((r) => r.participants().includes(p));
	}
}

function mustModerate(p: Participant): void {
	if (p.role !== 'moderator') throw new PlenumError('PLN_NOT_MODERATOR');
}
