import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from './mediaCodecs.js';
import { PER_PARTICIPANT } from './quotas.js';
import { RoomMediaImpl } from './RoomMediaImpl.js';
import type { RouterHandle } from './RouterSet.js';
import type { MediaLoss, RoomMediaEvents } from './types.js';
import { workerBinary } from './workerBinary.js';

// Real mediasoup workers (two, as a small server runs), no browser: the room's media surface,
// its close cascades, its ownership across awaits and its recovery from a dead worker.
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const OPUS = { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 11111111 }] };

describe('RoomMediaImpl on real workers', () => {
	let workers: types.Worker[];
	let servers: types.WebRtcServer[];
	let media: RoomMediaImpl;
	let events: Array<[keyof RoomMediaEvents, unknown[]]>;
	let transports: types.Transport[];
	/** Runs when a router made a transport, before its creator's await resumes: a race on demand. */
	let onNewTransport: (() => void) | undefined;

	const handleOn = async (i: number): Promise<RouterHandle> => {
		const w = workers[i] as types.Worker;
		const router = await w.createRouter({ mediaCodecs: MEDIA_CODECS });
		router.observer.on('newtransport', (t) => {
			transports.push(t);
			onNewTransport?.();
		});
		return { router, webRtcServer: servers[i] as types.WebRtcServer, workerIndex: i };
	};
	const live = () => workers.map((w, i) => ({ w, i })).filter(({ w }) => !w.closed);
	const open = async (maxLoadPerRouter = 1_000) => {
		const m = await RoomMediaImpl.create({
			first: await handleOn(0),
			spill: { maxLoadPerRouter, addRouter: async (exclude) => { const c = live().find(({ i }) => !exclude.includes(i)); return c ? handleOn(c.i) : undefined; } },
			log: quiet,
		});
		for (const e of ['producerClosed', 'consumerClosed', 'workerLost', 'closed'] as const) m.on(e, (...a: unknown[]) => events.push([e, a]));
		return m;
	};
	const publisher = async (id: string) => {
		media.addParticipant(id);
		const t = await media.createTransport(id, 'send');
		return media.produce(id, { transportId: t.id, kind: 'audio', source: 'mic', rtpParameters: OPUS, paused: false });
	};
	const subscriber = async (id: string) => {
		media.addParticipant(id);
		media.setRtpCapabilities(id, media.rtpCapabilities());
		await media.createTransport(id, 'recv');
	};
	const died = (w: types.Worker) => new Promise<void>((ok) => w.once('died', () => ok()));

	beforeEach(async () => {
		events = [];
		transports = [];
		onNewTransport = undefined;
		workers = [];
		servers = [];
		for (let i = 0; i < 2; i++) {
			const w = await mediasoup.createWorker({ workerBin: workerBinary(), logLevel: 'error' });
			w.on('died', () => {});
			workers.push(w);
			servers.push(await w.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: 0 }] }));
		}
		media = await open();
	});
	afterEach(() => {
		media.close();
		for (const w of workers) w.close();
	});

	it('refuses media calls for a participant it does not know, and after removeParticipant', async () => {
		await expect(media.createTransport('nobody', 'send')).rejects.toMatchObject({ code: 'PLN_NOT_JOINED' });
		expect(() => media.setRtpCapabilities('nobody', {})).toThrow(expect.objectContaining({ code: 'PLN_NOT_JOINED' }));
		await publisher('a');
		media.removeParticipant('a');
		await expect(media.createTransport('a', 'send')).rejects.toMatchObject({ code: 'PLN_NOT_JOINED' });
		expect(media.producers()).toEqual([]);
	});

	it('close() ends everything with one closed event and no word per producer or consumer; later calls reject with PLN_ROOM_CLOSED', async () => {
		const p = await publisher('a');
		await subscriber('b');
		await media.consume('b', p.id);
		media.close();
		media.close();
		expect(events).toEqual([['closed', ['closed']]]);
		await expect(media.createTransport('a', 'send')).rejects.toMatchObject({ code: 'PLN_ROOM_CLOSED' });
		await expect(media.consume('b', p.id)).rejects.toMatchObject({ code: 'PLN_ROOM_CLOSED' });
		expect(() => media.addParticipant('c')).toThrow(expect.objectContaining({ code: 'PLN_ROOM_CLOSED' }));
		expect(() => media.closeProducer('a', p.id)).toThrow(expect.objectContaining({ code: 'PLN_ROOM_CLOSED' }));
	});

	it('a participant who leaves while its transport is being made does not keep it', async () => {
		media.addParticipant('a');
		const early = media.createTransport('a', 'send');
		media.removeParticipant('a');
		await expect(early).rejects.toMatchObject({ code: 'PLN_NOT_JOINED' });
		expect(transports).toHaveLength(0);
		// The leave lands after the worker made the transport, before createTransport resumes.
		media.addParticipant('b');
		onNewTransport = () => media.removeParticipant('b');
		await expect(media.createTransport('b', 'send')).rejects.toMatchObject({ code: 'PLN_NOT_JOINED' });
		expect(transports).toHaveLength(1);
		expect(transports[0]?.closed).toBe(true); // the orphan was closed at once
	});

	it('bounds transports per participant, also for a burst of concurrent requests', async () => {
		media.addParticipant('a');
		const results = await Promise.allSettled(Array.from({ length: 10 }, () => media.createTransport('a', 'recv')));
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(PER_PARTICIPANT.transports);
		for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'PLN_QUOTA_EXCEEDED' });
	});

	it('a dead worker under the whole room: one workerLost, no per-child events, the room moves to the live worker', async () => {
		const p = await publisher('a');
		await subscriber('b');
		await media.consume('b', p.id);
		const w0 = workers[0] as types.Worker;
		const lost = new Promise<MediaLoss>((ok) => media.once('workerLost', ok));
		const gone = died(w0);
		process.kill(w0.pid, 'SIGKILL');
		await gone;
		const loss = await lost;
		expect(loss.participants.sort()).toEqual(['a', 'b']);
		expect(loss.producers).toEqual([p.id]);
		expect(media.needsRebuild('a')).toBe(true); // told to a resume answer if the push was missed
		// The rebuild lands on worker 1, which recovery chose (the calls wait for it).
		const q = await media.produce('a', { transportId: (await media.createTransport('a', 'send')).id, kind: 'audio', source: 'mic', rtpParameters: OPUS, paused: false });
		expect(media.workerIndex).toBe(1);
		expect(media.needsRebuild('a')).toBe(false);
		await media.createTransport('b', 'recv');
		await media.consume('b', q.id);
		expect(media.closed).toBe(false);
		expect(events.map(([e]) => e)).toEqual(['workerLost']);
	});

	it('a room spanning two workers loses only the part on the dead one', async () => {
		media.close();
		events = [];
		media = await open(1); // one producer or consumer per router, then spill
		const pa = await publisher('a'); // router on worker 0 (primary)
		await subscriber('b'); // router on worker 1
		await media.consume('b', pa.id);
		const pb = await media.produce('b', {
			transportId: (await media.createTransport('b', 'send')).id, kind: 'audio', source: 'mic', rtpParameters: { ...OPUS, encodings: [{ ssrc: 22222222 }] }, paused: false,
		});
		media.setRtpCapabilities('a', media.rtpCapabilities());
		await media.createTransport('a', 'recv');
		const consumed = await media.consume('a', pb.id);
		const w1 = workers[1] as types.Worker;
		const lost = new Promise<MediaLoss>((ok) => media.once('workerLost', ok));
		process.kill(w1.pid, 'SIGKILL');
		const loss = await lost;
		expect(loss).toEqual({ participants: ['b'], producers: [pb.id] });
		expect(media.workerIndex).toBe(0);
		// Alice's own media is untouched; her consumer of Bob's producer goes without a word.
		expect(media.producers().map((x) => x.id)).toEqual([pa.id]);
		await expect.poll(async () => (await media.setConsumerPaused('a', consumed.id, true).then(() => 'open', (e) => e.code)), { timeout: 5_000 }).toBe('PLN_CONSUMER_NOT_FOUND');
		expect(events.map(([e]) => e)).toEqual(['workerLost']);
	});

	it('ends the room with workerDied when no worker is left to take it', async () => {
		for (const w of workers) {
			const gone = died(w);
			process.kill(w.pid, 'SIGKILL');
			await gone;
		}
		await expect.poll(() => events.map(([e, a]) => `${e}:${String(a[0] && typeof a[0] === 'string' ? a[0] : '')}`), { timeout: 15_000 }).toContain('closed:workerDied');
		expect(media.closed).toBe(true);
	}, 20_000);
});
