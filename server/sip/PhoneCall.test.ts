import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAudioLinkOpener, Gate } from '../../test/fakes/FakeAudioLink.js';
import { FakePhoneLeg } from '../../test/fakes/FakePhoneLeg.js';
import { FakeRoomMedia } from '../../test/fakes/FakeRoomMedia.js';
import { Room } from '../rooms/Room.js';
import { PlenumError } from '../shared/errors.js';
import { asRoomId } from '../shared/ids.js';
import { type CallResult, PhoneCall } from './PhoneCall.js';
import { PromptPlayer, Prompts } from './Prompts.js';

const log = pino({ level: 'silent' });
const PIN = '123456789';
const prompts = new Prompts('en');
const FRAME = new Int16Array(160).fill(1000);

/** Lets pending promise continuations run (the fakes resolve in microtasks). */
const settle = () => new Promise((r) => setImmediate(r));

describe('PhoneCall', () => {
	let media: FakeRoomMedia;
	let room: Room;
	let leg: FakePhoneLeg;
	let opener: FakeAudioLinkOpener;
	let player: PromptPlayer;
	let call: PhoneCall;
	let ended: CallResult[];
	let hangUps: number;
	let mayTry: boolean;
	let failedPins: number;

	const make = (o: { rtpTimeoutMs?: number } = {}) => {
		const c = new PhoneCall({
			leg, openLink: opener.open, prompts, player,
			roomByPin: (pin) => (pin === PIN ? room : undefined),
			mayTryPin: () => mayTry,
			pinFailed: () => { failedPins++; },
			hangUp: () => { hangUps++; },
			displayName: '…5678', rtpTimeoutMs: o.rtpTimeoutMs ?? 60_000, log,
		});
		c.on('ended', (r) => ended.push(r));
		return c;
	};
	/** Ticks until the prompt playing now is over (the bridge's 20 ms clock, without waiting). */
	const playOut = (c: PhoneCall) => {
		for (let i = 0; i < 2000 && player.playing; i++) c.tick();
	};
	const phones = () => room.participants().filter((p) => p.kind === 'phone');

	beforeEach(() => {
		media = new FakeRoomMedia();
		room = new Room(asRoomId('r1'), media, { emptyGraceMs: 60_000, maxParticipants: 10, reconnectGraceMs: 1_000 }, log);
		leg = new FakePhoneLeg();
		opener = new FakeAudioLinkOpener();
		player = new PromptPlayer();
		ended = [];
		hangUps = 0;
		mayTry = true;
		failedPins = 0;
		call = make();
	});
	afterEach(() => {
		call.terminated();
		room.close('shutdown');
	});

	it('the right PIN and # join the room, publish the caller, and play the joined prompt', async () => {
		leg.press(`${PIN}#`);
		await settle();
		const [link] = opener.links;
		expect(phones()).toHaveLength(1);
		expect(call.participantId).toBe(phones()[0]?.id);
		expect(link?.producerId).toBeDefined();
		expect(media.producers()).toHaveLength(1);
		expect(player.playing).toBe(true); // 'joined'
		leg.voice.push(FRAME);
		call.tick();
		expect(link?.sentToRoom).toEqual([FRAME]);
		expect(failedPins).toBe(0);
	});

	it('a move to another room of the meeting (breakout rooms): the caller leaves, joins there, its audio link is made anew', async () => {
		leg.press(`${PIN}#`);
		await settle();
		const other = new Room(asRoomId('r2'), new FakeRoomMedia(), { emptyGraceMs: 60_000, maxParticipants: 10, reconnectGraceMs: 1_000 }, log);
		try {
			const [first] = phones();
			const moved = await first?.moveTo(other);
			expect(phones()).toHaveLength(0);
			expect(other.participants().map((p) => [p.id, p.kind, p.displayName])).toEqual([[moved?.id, 'phone', '…5678']]);
			expect(opener.links).toHaveLength(2);
			expect(opener.links[0]?.closed).toBe(true);
			expect(opener.links[1]?.producerId).toBeDefined();
			leg.voice.push(FRAME);
			call.tick();
			expect(opener.links[1]?.sentToRoom).toEqual([FRAME]);
			expect(ended).toEqual([]);
		} finally {
			other.close('shutdown');
		}
	});

	it('three wrong PINs end the call with wrongPin: the prompt, then BYE, then ended once the dialog is gone', async () => {
		leg.press('1#2#3#');
		expect(failedPins).toBe(3);
		expect(hangUps).toBe(0); // the goodbye prompt plays first
		playOut(call);
		expect(hangUps).toBe(1);
		call.terminated();
		expect(ended).toEqual(['wrongPin']);
		expect(opener.links).toHaveLength(0);
	});

	it('a spent guessing budget ends the call without looking at the PIN', () => {
		mayTry = false;
		leg.press(`${PIN}#`);
		expect(phones()).toHaveLength(0);
		expect(failedPins).toBe(0);
		playOut(call);
		expect(hangUps).toBe(1);
	});

	it('hang-up while RoomAudioLink.open() runs: the link made afterwards is closed, the participant and its media go once it settled', async () => {
		opener.gate = new Gate();
		leg.press(`${PIN}#`);
		await settle();
		expect(opener.gate.waiting).toBe(true);
		const pid = call.participantId;
		call.terminated();
		expect(ended).toEqual(['failed']);
		opener.gate.release();
		await settle();
		const [link] = opener.links;
		expect(link?.closed).toBe(true);
		expect(opener.memberWhenMade).toEqual([true]); // so what open() made on the router is the participant's…
		expect(phones()).toHaveLength(0);
		expect(media.removed).toEqual([pid]); // …and goes with it
		expect(link?.producerId).toBeUndefined();
		expect(ended).toEqual(['failed']);
	});

	it('a worker dying while the link is opened (mediaLost with rebuild) makes the link again once it exists; in the room, each loss rebuilds', async () => {
		opener.gate = new Gate();
		leg.press(`${PIN}#`);
		await settle();
		const pid = call.participantId as string;
		media.simulateWorkerLoss({ participants: [pid], producers: [] });
		opener.gate.release();
		await settle();
		const [link] = opener.links;
		expect(link?.rebuilds).toBe(1);
		media.simulateWorkerLoss({ participants: [pid], producers: [] });
		await settle();
		expect(link?.rebuilds).toBe(2);
		media.simulateWorkerLoss({ participants: [], producers: ['someone-else'] });
		await settle();
		expect(link?.rebuilds).toBe(2); // another participant's loss: only that stream is dropped
		expect(ended).toEqual([]);
	});

	it('hang-up while publishing: the link closes at once, the participant leaves after the producer exists, and its producer goes with it', async () => {
		const publishGate = new Gate();
		opener.publishGate = publishGate;
		leg.press(`${PIN}#`);
		await settle();
		expect(publishGate.waiting).toBe(true);
		call.terminated();
		const link = opener.links.at(-1);
		expect(link?.closed).toBe(true);
		expect(phones()).toHaveLength(1); // still there: a producer is on its way
		publishGate.release();
		await settle();
		expect(phones()).toHaveLength(0);
		expect(media.producers()).toHaveLength(0);
		expect(ended).toEqual(['failed']);
	});

	it('open() failing ends the call as failed with the unavailable prompt and leaves the room', async () => {
		opener.failWith = new PlenumError('PLN_NO_WORKER');
		leg.press(`${PIN}#`);
		await settle();
		expect(phones()).toHaveLength(0);
		expect(player.playing).toBe(true);
		playOut(call);
		expect(hangUps).toBe(1);
		call.terminated();
		expect(ended).toEqual(['failed']);
	});

	it('open() failing after the call ended changes nothing more', async () => {
		opener.gate = new Gate();
		opener.failWith = new PlenumError('PLN_ROOM_CLOSED');
		leg.press(`${PIN}#`);
		await settle();
		call.terminated();
		opener.gate.release();
		await settle();
		expect(ended).toEqual(['failed']);
		expect(hangUps).toBe(0);
		expect(phones()).toHaveLength(0);
	});

	it('the meeting ending (roomClosed) plays "ended", hangs up, and closes the link', async () => {
		leg.press(`${PIN}#`);
		await settle();
		room.close('roomEnded');
		const [link] = opener.links;
		expect(link?.closed).toBe(true);
		playOut(call);
		expect(hangUps).toBe(1);
		call.terminated();
		expect(ended).toEqual(['answered']);
	});

	it('a moderator removing the caller plays "removed" and hangs up', async () => {
		leg.press(`${PIN}#`);
		await settle();
		const pid = call.participantId;
		if (!pid) throw new Error('not joined');
		room.leave(phones()[0]!.id, 'kicked');
		expect(opener.links[0]?.closed).toBe(true);
		playOut(call);
		expect(hangUps).toBe(1);
	});

	it('*6 mutes and unmutes the caller through the room', async () => {
		leg.press(`${PIN}#`);
		await settle();
		leg.press('*6');
		await settle();
		expect(call.muted).toBe(true);
		expect(media.producers()[0]?.paused).toBe(true);
		leg.press('*6');
		await settle();
		expect(call.muted).toBe(false);
	});

	it('a phone that sends no RTP for rtpTimeoutMs is hung up', async () => {
		call.terminated();
		call = make({ rtpTimeoutMs: 1_000 });
		leg.lastPacketAt = performance.now() - 2_000;
		call.tick();
		expect(hangUps).toBe(1);
	});

	it('after terminated(): digit, joinDirect and tick throw PLN_STATE_CLOSED, a second terminated() does nothing, keys are no longer heard', () => {
		call.terminated();
		call.terminated();
		expect(ended).toEqual(['failed']);
		expect(call.closed).toBe(true);
		for (const after of [() => call.digit('1'), () => call.joinDirect(room), () => call.tick()]) {
			expect(after).toThrow(expect.objectContaining({ code: 'PLN_STATE_CLOSED' }));
		}
		expect(leg.listenerCount('dtmf')).toBe(0);
		expect(() => leg.press('1#')).not.toThrow();
	});

	it('joinDirect (the SBC named the room) joins without a PIN; a later PIN is ignored', async () => {
		call.joinDirect(room);
		await settle();
		expect(phones()).toHaveLength(1);
		leg.press('1#');
		expect(failedPins).toBe(0);
	});
});
