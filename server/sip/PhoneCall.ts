import type { Logger } from '../observability/log.js';
import type { ServerPush } from '../protocol/events.js';
import type { CloseReason } from '../rooms/CloseReason.js';
import type { Connection, Participant } from '../rooms/Participant.js';
import type { Room } from '../rooms/Room.js';
import { PlenumError } from '../shared/errors.js';
import type { RoomId } from '../shared/ids.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import type { AudioLink, CallLeg, OpenAudioLink } from './PhoneCallTypes.js';
import type { PromptPlayer, Prompts } from './Prompts.js';
import { SAMPLES_PER_FRAME } from './rtp/PhoneLeg.js';

/** What a call looks for on other nodes: a PIN typed, or the room an operator's header named. */
export type ElsewhereTarget = { pin: string } | { roomId: RoomId };

export type CallResult = 'answered' | 'wrongPin' | 'rejected' | 'failed';

export const PIN_TRIES = 3;
const PIN_ENTRY_MS = 60_000;
const COMMAND_WINDOW_MS = 3_000;
const HANGUP_AFTER_PROMPT_MAX_MS = 15_000;

/** What a call needs from the bridge; narrow on purpose (STYLE.md §4). */
export interface CallDeps {
	leg: CallLeg;
	/** Opens the call's audio link into a room (RoomAudioLink.open). */
	openLink: OpenAudioLink;
	prompts: Prompts;
	player: PromptPlayer;
	/** The room for a PIN, or undefined. */
	roomByPin(pin: string): Room | undefined;
	/**
	 * Cluster mode: hands the call to the node whose room has the PIN (or is the room named by
	 * the trunk's header); the bridge relays its media there. True if that node hosts it now,
	 * false if no open room matches. Absent on a single node.
	 */
	elsewhere?(target: ElsewhereTarget): Promise<boolean>;
	/** false once this caller's source or the whole bridge guessed too many PINs. */
	mayTryPin(): boolean;
	pinFailed(): void;
	/** Ends the SIP dialog (BYE). */
	hangUp(): void;
	displayName: string;
	rtpTimeoutMs: number;
	log: Logger;
}

export type PhoneCallEvents = {
	/** Once, when the call is over on our side; the SIP dialog is being or has been ended. */
	ended: [result: CallResult];
	/** The room is moving to another node (a cluster drain): a relayed call follows it (CallRelay). */
	moved: [];
};

/** Who a caller is in its room, to take the same place again on another node. */
export interface ResumeRef {
	participantId: string;
	token: string;
}

type CallState = 'pin' | 'joining' | 'inRoom' | 'relayed' | 'ending' | 'ended';

/**
 * One phone caller: PIN entry, then a participant of kind 'phone' in a room, with DTMF
 * commands (*6 mute, *1 count). Driven every 20 ms by the bridge's clock (tick()). Owned by
 * the SipBridge; owns its participant and its AudioLink. States: pin → joining → inRoom (or
 * relayed: another node's PhoneCall hosts the caller, this one only keeps the dialog), then
 * ending (the goodbye prompt plays) and ended (terminated(): everything released). After
 * terminated(), digit(), joinDirect() and tick() throw PLN_STATE_CLOSED.
 */
export class PhoneCall extends TypedEmitter<PhoneCallEvents> {
	readonly #d: CallDeps;
	#state: CallState = 'pin';
	#digits = '';
	#tries = 0;
	#result: CallResult = 'failed';
	#room: Room | undefined;
	#participant: Participant | undefined;
	#link: AudioLink | undefined;
	// The media step in flight (opening or publishing the link), if any: it may still create a
	// transport or producer for our participant, so the room is left only once it settled.
	#mediaStep: Promise<void> | undefined;
	// Each #connectMedia() run gets the next number; a run that is no longer the latest stops.
	#mediaAttempt = 0;
	/** A mediaLost with rebuild came while joining: the link is made again once it exists. */
	#lostWhileJoining = false;
	readonly #onDtmf = (d: string) => {
		if (this.#state !== 'ended') this.digit(d);
	};
	#muted = false;
	#starAt = 0;
	/** How the rooms reach this call: its pushes, and a move to another room of the meeting (breakout rooms). */
	readonly #connection: Connection = { notify: (push) => this.#onPush(push), move: (to) => this.#moveTo(to) };
	readonly #pinTimer: NodeJS.Timeout;
	#hangupTimer: NodeJS.Timeout | undefined;

	constructor(deps: CallDeps) {
		super();
		this.#d = deps;
		deps.leg.on('dtmf', this.#onDtmf);
		deps.player.play([deps.prompts.get('welcome')]);
		this.#pinTimer = setTimeout(() => this.#end('wrongPin', 'tooManyTries'), PIN_ENTRY_MS);
	}

	get participantId(): string | undefined {
		return this.#participant?.id;
	}

	get muted(): boolean {
		return this.#muted;
	}

	/** True once terminated() released everything. */
	get closed(): boolean {
		return this.#state === 'ended';
	}

	/** A DTMF digit, from RFC 4733 or SIP INFO. Digits are never logged. */
	digit(d: string): void {
		this.#assertOpen();
		if (this.#state === 'pin') return this.#pinDigit(d);
		if (this.#state !== 'inRoom') return;
		if (d === '*') {
			this.#starAt = performance.now();
			return;
		}
		if (performance.now() - this.#starAt > COMMAND_WINDOW_MS) return;
		this.#starAt = 0;
		if (d === '6') void this.#setMuted(!this.#muted);
		else if (d === '1') this.#d.player.play(this.#d.prompts.count(this.#room?.size ?? 0));
	}

	#pinDigit(d: string): void {
		if (d === '*') {
			this.#digits = '';
			return;
		}
		if (d !== '#') {
			if (this.#digits.length < 16) this.#digits += d;
			this.#d.player.play([]); // typing stops the prompt
			return;
		}
		const pin = this.#digits;
		this.#digits = '';
		if (!this.#d.mayTryPin()) return this.#end('wrongPin', 'tooManyTries');
		const room = pin ? this.#d.roomByPin(pin) : undefined;
		if (room) return void this.#join(room);
		if (pin && this.#d.elsewhere) return void this.#tryElsewhere({ pin }, () => this.#wrongPin());
		this.#wrongPin();
	}

	/** Cluster mode: the trunk's header named a room that is not open here; if another node has it, join there. */
	joinElsewhere(roomId: RoomId): void {
		this.#assertOpen();
		if (this.#state === 'pin' && this.#d.elsewhere) void this.#tryElsewhere({ roomId }, () => {});
	}

	/** The PIN (or room) is no room's here: perhaps another node's (digits typed meanwhile are ignored). */
	async #tryElsewhere(target: ElsewhereTarget, noRoom: () => void): Promise<void> {
		const elsewhere = this.#d.elsewhere;
		if (!elsewhere) return noRoom();
		this.#state = 'joining';
		let moved: boolean | 'failed';
		try {
			moved = await elsewhere(target);
		} catch (err) {
			this.#d.log.warn({ err }, 'phone caller could not reach the node of the room');
			moved = 'failed';
		}
		if (this.#state !== 'joining') return; // ended meanwhile; the bridge ends the other node's side
		if (moved === 'failed') return this.#end('failed', 'unavailable');
		if (!moved) {
			this.#state = 'pin';
			return noRoom();
		}
		clearTimeout(this.#pinTimer);
		this.#state = 'relayed';
		this.#result = 'answered';
		this.#d.player.play([]);
	}

	/** The node hosting a relayed call ended it (the room closed, the caller was removed): hang up. */
	remoteEnded(): void {
		if (this.#state === 'relayed') this.#end('answered');
	}

	#wrongPin(): void {
		this.#d.pinFailed();
		this.#tries++;
		this.#d.log.info({ tries: this.#tries }, 'phone caller entered a wrong PIN');
		if (this.#tries >= PIN_TRIES) return this.#end('wrongPin', 'tooManyTries');
		this.#d.player.play([this.#d.prompts.get('wrongPin')]);
	}

	/** Joins without a PIN: the operator's SBC named the room (SIP_ROOM_HEADER). */
	/** Joins `room` (no PIN), or, relayed, comes back from another node; `resume` takes the caller's old place. */
	joinDirect(room: Room, resume?: ResumeRef): void {
		this.#assertOpen();
		if (this.#state === 'pin' || this.#state === 'relayed') void this.#join(room, resume);
	}

	/** The caller's place in its room, while in one. */
	get resumeRef(): ResumeRef | undefined {
		const p = this.#participant;
		return p && { participantId: p.id, token: p.resumeToken };
	}

	/**
	 * The room moved away with the caller in its saved state: let go of it here without leaving
	 * (the new owner keeps the place for a resume); the call ends without a prompt.
	 */
	detach(): void {
		const p = this.#participant;
		const room = this.#room;
		this.#participant = undefined;
		if (p && room && !room.closed) room.disconnect(p.id);
		this.terminated();
	}

	#assertOpen(): void {
		if (this.#state === 'ended') throw new PlenumError('PLN_STATE_CLOSED');
	}

	async #join(room: Room, resume?: ResumeRef): Promise<void> {
		clearTimeout(this.#pinTimer);
		this.#state = 'joining';
		try {
			this.#participant = this.#resumeIn(room, resume) ?? room.join(this.#d.displayName, this.#connection, 'participant', 'phone');
			this.#room = room;
			if (!(await this.#connectMedia())) return; // the call ended meanwhile: nothing to tell
			// The worker died while the link was being made: it may sit on the dead one.
			if (this.#lostWhileJoining) await this.#link?.rebuild(this.#muted);
		} catch (err) {
			if (this.#state !== 'joining') return; // ended meanwhile; #leaveRoom released everything
			this.#d.log.warn({ err }, 'phone caller could not join');
			this.#end('failed', 'unavailable');
			return;
		}
		this.#state = 'inRoom';
		this.#result = 'answered';
		this.#d.player.play([this.#d.prompts.get('joined')]);
	}

	/** The caller's old place in `room`, if it is still kept there. */
	#resumeIn(room: Room, resume: ResumeRef | undefined): Participant | undefined {
		if (!resume) return undefined;
		try {
			return room.resume(resume.participantId as Participant['id'], resume.token, this.#connection);
		} catch {
			return undefined; // dropped meanwhile: join anew
		}
	}

	/**
	 * Opens the audio link for the current participant and publishes the caller's voice.
	 * Resolves true when done, false when the call no longer wants this run (it ended, or
	 * left the room, or a later run started): after each await it checks, and closes what it
	 * made that nobody owns yet. May run again for the same participant (a later run makes
	 * the earlier one stop).
	 */
	async #connectMedia(): Promise<boolean> {
		const room = this.#room;
		const p = this.#participant;
		if (!room || !p) return false;
		const attempt = ++this.#mediaAttempt;
		const wanted = () => attempt === this.#mediaAttempt && this.#participant === p && this.#state !== 'ending' && this.#state !== 'ended';
		const link = await this.#mediaStepOf(this.#d.openLink(room, p));
		if (!wanted()) {
			link.close(); // not ours to keep: #leaveRoom ran before it existed
			return false;
		}
		this.#link = link;
		await this.#mediaStepOf(link.publish());
		return wanted(); // if not, #leaveRoom closed the link, and leaves once the producer exists
	}

	#mediaStepOf<T>(work: Promise<T>): Promise<T> {
		const settled = work.then(() => undefined, () => undefined);
		this.#mediaStep = settled;
		void settled.then(() => {
			if (this.#mediaStep === settled) this.#mediaStep = undefined;
		});
		return work;
	}

	#onPush(push: ServerPush): void {
		const link = this.#link;
		switch (push.event) {
			case 'producerAdded':
				if (push.data.kind === 'audio') link?.subscribe(push.data.id).catch((err: unknown) => this.#d.log.warn({ err }, 'phone leg could not receive a speaker'));
				break;
			case 'consumerClosed':
				link?.unsubscribe(push.data.consumerId);
				break;
			case 'mediaLost':
				link?.dropProducers(push.data.producerIds);
				if (push.data.rebuild && this.#state === 'joining') this.#lostWhileJoining = true;
				if (push.data.rebuild && this.#state === 'inRoom') {
					link?.rebuild(this.#muted).catch((err: unknown) => this.#d.log.warn({ err }, 'phone leg could not rebuild its media'));
				}
				break;
			case 'mutedByModerator':
				this.#muted = true;
				this.#d.player.play([this.#d.prompts.get('mutedByModerator')]);
				break;
			case 'reconnect':
				this.safeEmit('moved');
				break;
			case 'roomClosed':
				this.#participant = undefined; // the room let go of us already
				this.#end(this.#result, push.data.reason === 'kicked' ? 'removed' : 'ended');
				break;
			default:
				break;
		}
	}

	async #setMuted(muted: boolean): Promise<void> {
		const room = this.#room;
		const p = this.#participant;
		const producerId = this.#link?.producerId;
		if (!room || !p || !producerId) return;
		try {
			await room.setProducerPaused(p.id, producerId, muted);
			this.#muted = muted;
			this.#d.player.play([this.#d.prompts.get(muted ? 'muted' : 'unmuted')]);
		} catch (err) {
			this.#d.log.warn({ err }, 'phone mute failed');
		}
	}

	/** Every 20 ms: the phone's voice into the room, the room (and prompts) to the phone. */
	tick(): void {
		this.#assertOpen();
		const leg = this.#d.leg;
		const voice = leg.nextFrame();
		if (voice && this.#state === 'inRoom' && !this.#muted) this.#link?.send(voice);
		const prompt = this.#d.player.next(SAMPLES_PER_FRAME);
		const room = this.#state === 'inRoom' ? this.#link?.mix() : undefined;
		leg.send(mixTwo(prompt, room) ?? SILENCE);
		const receiving = leg.params?.receive ?? true;
		if (receiving && performance.now() - leg.lastPacketAt > this.#d.rtpTimeoutMs) {
			this.#d.log.info('phone call sent no media: hanging up');
			this.#end(this.#result === 'answered' ? 'answered' : 'failed');
		}
	}

	/** Plays the prompt (if any), then hangs up. */
	#end(result: CallResult, prompt?: string): void {
		if (this.#state === 'ending' || this.#state === 'ended') return;
		this.#state = 'ending';
		this.#result = result;
		clearTimeout(this.#pinTimer);
		this.#leaveRoom('callHungUp');
		const bye = () => {
			clearTimeout(this.#hangupTimer);
			this.#d.hangUp();
		};
		if (prompt) {
			this.#d.player.play([this.#d.prompts.get(prompt)], bye);
			this.#hangupTimer = setTimeout(bye, HANGUP_AFTER_PROMPT_MAX_MS);
		} else bye();
	}

	/**
	 * A moderator moves the caller to another room of the meeting (a breakout room, or back):
	 * it leaves this room and joins `to`; its audio link is made anew there, the call goes on.
	 */
	async #moveTo(to: Room): Promise<Participant> {
		if (this.#state !== 'inRoom') throw new PlenumError('PLN_PARTICIPANT_NOT_FOUND');
		this.#leaveRoom('moved');
		this.#state = 'joining';
		const p = to.join(this.#d.displayName, this.#connection, 'participant', 'phone');
		this.#participant = p;
		this.#room = to;
		if (await this.#connectMedia().catch(() => false)) this.#state = 'inRoom';
		else if (this.#state === 'joining') this.#end('failed', 'unavailable');
		return p;
	}

	#leaveRoom(reason: CloseReason): void {
		this.#d.log.debug({ packetsToRoom: this.#link?.packetsOut, fromPhone: this.#d.leg.jitter.received, toPhone: this.#d.leg.sent }, "phone leg counts");
		const p = this.#participant;
		const room = this.#room;
		this.#participant = undefined;
		this.#room = undefined;
		this.#link?.close();
		this.#link = undefined;
		if (!p || !room) return;
		const leave = () => {
			if (!room.closed) room.leave(p.id, reason);
		};
		// NOTE: a media step in flight still makes a transport or producer for p; leaving once it
		// settled lets the room's media close those with p, instead of orphaning them (REVIEW §2.2).
		if (this.#mediaStep) void this.#mediaStep.then(leave);
		else leave();
	}

	/** The SIP dialog is gone (either side hung up, CANCEL, failure): drop everything, once. */
	terminated(): void {
		if (this.#state === 'ended') return;
		if (this.#state !== 'ending' && this.#result !== 'answered') this.#result = this.#tries > 0 ? 'wrongPin' : 'failed';
		this.#state = 'ended';
		clearTimeout(this.#pinTimer);
		clearTimeout(this.#hangupTimer);
		this.#d.leg.off('dtmf', this.#onDtmf);
		this.#leaveRoom('callHungUp');
		this.#d.player.play([]);
		this.safeEmit('ended', this.#result);
	}
}

const SILENCE = new Int16Array(SAMPLES_PER_FRAME);

function mixTwo(a: Int16Array | undefined, b: Int16Array | undefined): Int16Array | undefined {
	if (!a) return b;
	if (!b) return a;
	return Int16Array.from(a, (v, i) => Math.max(-32768, Math.min(32767, v + (b[i] ?? 0))));
}
