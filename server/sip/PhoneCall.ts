import type { Logger } from '../observability/log.js';
import type { ServerPush } from '../protocol/events.js';
import type { CloseReason } from '../rooms/CloseReason.js';
import type { Participant } from '../rooms/Participant.js';
import type { Room } from '../rooms/Room.js';
import { TypedEmitter } from '../shared/TypedEmitter.js';
import { RoomAudioLink } from './media/RoomAudioLink.js';
import { type PromptPlayer, type Prompts } from './Prompts.js';
import { type PhoneLeg, SAMPLES_PER_FRAME } from './rtp/PhoneLeg.js';

export type CallResult = 'answered' | 'wrongPin' | 'rejected' | 'failed';

export const PIN_TRIES = 3;
const PIN_ENTRY_MS = 60_000;
const COMMAND_WINDOW_MS = 3_000;
const HANGUP_AFTER_PROMPT_MAX_MS = 15_000;

/** What a call needs from the bridge; narrow on purpose (STYLE.md §4). */
export interface CallDeps {
	leg: PhoneLeg;
	prompts: Prompts;
	player: PromptPlayer;
	/** The room for a PIN, or undefined. */
	roomByPin(pin: string): Room | undefined;
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
};

/**
 * One phone caller: PIN entry, then a participant of kind 'phone' in a room, with DTMF
 * commands (*6 mute, *1 count). Driven every 20 ms by the bridge's clock (tick()).
 */
export class PhoneCall extends TypedEmitter<PhoneCallEvents> {
	readonly #d: CallDeps;
	#state: 'pin' | 'joining' | 'inRoom' | 'ending' | 'ended' = 'pin';
	#digits = '';
	#tries = 0;
	#result: CallResult = 'failed';
	#room: Room | undefined;
	#participant: Participant | undefined;
	#link: RoomAudioLink | undefined;
	#muted = false;
	#starAt = 0;
	readonly #pinTimer: NodeJS.Timeout;
	#hangupTimer: NodeJS.Timeout | undefined;

	constructor(deps: CallDeps) {
		super();
		this.#d = deps;
		deps.leg.on('dtmf', (d) => this.digit(d));
		deps.player.play([deps.prompts.get('welcome')]);
		this.#pinTimer = setTimeout(() => this.#end('wrongPin', 'tooManyTries'), PIN_ENTRY_MS);
	}

	get participantId(): string | undefined {
		return this.#participant?.id;
	}

	get muted(): boolean {
		return this.#muted;
	}

	/** A DTMF digit, from RFC 4733 or SIP INFO. Digits are never logged. */
	digit(d: string): void {
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
		this.#d.pinFailed();
		this.#tries++;
		this.#d.log.info({ tries: this.#tries }, 'phone caller entered a wrong PIN');
		if (this.#tries >= PIN_TRIES) return this.#end('wrongPin', 'tooManyTries');
		this.#d.player.play([this.#d.prompts.get('wrongPin')]);
	}

	/** Joins without a PIN: the operator's SBC named the room (SIP_ROOM_HEADER). */
	joinDirect(room: Room): void {
		if (this.#state === 'pin') void this.#join(room);
	}

	async #join(room: Room): Promise<void> {
		clearTimeout(this.#pinTimer);
		this.#state = 'joining';
		try {
			const p = room.join(this.#d.displayName, (push) => this.#onPush(push), 'participant', 'phone');
			this.#room = room;
			this.#participant = p;
			this.#link = await RoomAudioLink.open(room, p);
			if (this.#state !== 'joining') return; // hung up meanwhile
			await this.#link.publish();
			this.#state = 'inRoom';
			this.#result = 'answered';
			this.#d.player.play([this.#d.prompts.get('joined')]);
		} catch (err) {
			this.#d.log.warn({ err }, 'phone caller could not join');
			this.#end('failed', 'unavailable');
		}
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
			case 'mutedByModerator':
				this.#muted = true;
				this.#d.player.play([this.#d.prompts.get('mutedByModerator')]);
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
		if (this.#state === 'ended') return;
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

	#leaveRoom(reason: CloseReason): void {
		this.#d.log.debug({ packetsToRoom: this.#link?.packetsOut, fromPhone: this.#d.leg.jitter.received, toPhone: this.#d.leg.sent }, "phone leg counts");
		const p = this.#participant;
		this.#participant = undefined;
		if (p && this.#room && !this.#room.closed) this.#room.leave(p.id, reason);
		this.#link?.close();
		this.#link = undefined;
		this.#room = undefined;
	}

	/** The SIP dialog is gone (either side hung up, CANCEL, failure): drop everything, once. */
	terminated(): void {
		if (this.#state === 'ended') return;
		if (this.#state !== 'ending' && this.#result !== 'answered') this.#result = this.#tries > 0 ? 'wrongPin' : 'failed';
		this.#state = 'ended';
		clearTimeout(this.#pinTimer);
		clearTimeout(this.#hangupTimer);
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
