import { afterEach, describe, expect, it } from 'vitest';
import { ask, baseUrl, socketPool, uniqueRoomId } from './helpers.js';

// A client that sends garbage gets error acks with codes; the server keeps serving everyone.
describe('malformed signalling', () => {
	const { open, closeAll } = socketPool();
	afterEach(closeAll);

	it('answers bad payloads with PLN_INVALID_MESSAGE naming the field', async () => {
		const s = await open();
		const cases: unknown[] = [
			undefined,
			'a string',
			42,
			[],
			{ roomId: 'ok-room' },
			{ roomId: '../../etc/passwd', displayName: 'x' },
			{ roomId: 'r'.repeat(65), displayName: 'x' },
			{ roomId: 'ok', displayName: '' },
			{ roomId: 'ok', displayName: '\u202e\u0000 ' },
			{ roomId: 'ok', displayName: 'x'.repeat(65) },
			{ roomId: 'ok', displayName: 'x', extra: true },
			{ roomId: { $gt: '' }, displayName: 'x' },
		];
		for (const payload of cases) {
			const ack = await ask(s, 'join', payload);
			expect(ack.ok, JSON.stringify(payload)).toBe(false);
			expect(ack.error?.code).toBe('PLN_INVALID_MESSAGE');
			expect(ack.error?.message.length).toBeGreaterThan(0);
		}
	});

	it('answers unknown requests with PLN_UNKNOWN_REQUEST and media requests before join with PLN_NOT_JOINED', async () => {
		const s = await open();
		expect((await ask(s, 'deleteEverything', {})).error?.code).toBe('PLN_UNKNOWN_REQUEST');
		expect((await ask(s, '__proto__', {})).error?.code).toBe('PLN_UNKNOWN_REQUEST');
		expect((await ask(s, 'createTransport', { direction: 'send' })).error?.code).toBe('PLN_NOT_JOINED');
		expect((await ask(s, 'consume', { producerId: 'nope' })).error?.code).toBe('PLN_NOT_JOINED');
	});

	it('rejects media parameters mediasoup refuses, and ids that are not the caller’s', async () => {
		const a = await open();
		const b = await open();
		const roomId = uniqueRoomId('bad');
		expect((await ask(a, 'join', { roomId, displayName: 'A' })).ok).toBe(true);
		expect((await ask(b, 'join', { roomId, displayName: 'B' })).ok).toBe(true);
		expect((await ask(a, 'join', { roomId, displayName: 'A' })).error?.code).toBe('PLN_ALREADY_JOINED');
		const t = await ask(a, 'createTransport', { direction: 'send' });
		expect(t.ok).toBe(true);
		const bad = await ask(a, 'produce', { transportId: t.data.id, kind: 'video', source: 'camera', rtpParameters: { codecs: 'nonsense' } });
		expect(bad.error?.code).toBe('PLN_INVALID_MEDIA');
		// B may not touch A's transport.
		const foreign = await ask(b, 'connectTransport', { transportId: t.data.id, dtlsParameters: { role: 'client', fingerprints: [] } });
		expect(foreign.error?.code).toBe('PLN_TRANSPORT_NOT_FOUND');
		expect((await ask(b, 'consume', { producerId: 'does-not-exist' })).error?.code).toBe('PLN_CAPABILITIES_MISSING');
		expect((await ask(b, 'resumeConsumer', { consumerId: 'x' })).error?.code).toBe('PLN_CONSUMER_NOT_FOUND');
	});

	// The refill (a line a second) is TokenBucket's, unit-tested on its own clock (TokenBucket.test.ts).
	it('rate-limits chat per connection with PLN_RATE_LIMITED after a burst of 5; another connection in the room still chats', async () => {
		const s = await open();
		const roomId = uniqueRoomId('rate');
		expect((await ask(s, 'join', { roomId, displayName: 'Talker' })).ok).toBe(true);
		const acks = [];
		for (let i = 0; i < 8; i++) acks.push(await ask(s, 'sendChat', { text: `line ${i}` }));
		expect(acks.slice(0, 5).every((a) => a.ok)).toBe(true);
		expect(acks.slice(5).map((a) => a.error?.code)).toEqual(['PLN_RATE_LIMITED', 'PLN_RATE_LIMITED', 'PLN_RATE_LIMITED']);
		const other = await open();
		expect((await ask(other, 'join', { roomId, displayName: 'Listener' })).ok).toBe(true);
		expect((await ask(other, 'sendChat', { text: 'my own budget' })).ok).toBe(true);
	});

	it('rate-limits requests per connection; other connections are not affected', async () => {
		const s = await open();
		const acks = await Promise.all(Array.from({ length: 800 }, () => ask(s, 'leave', {})));
		expect(acks.filter((a) => a.error?.code === 'PLN_RATE_LIMITED').length).toBeGreaterThan(150);
		const other = await open();
		expect((await ask(other, 'join', { roomId: uniqueRoomId('fair'), displayName: 'Other' })).ok).toBe(true);
	});

	it('survives a flood of garbage and still serves a normal join and /healthz', async () => {
		const s = await open();
		const junk = Array.from({ length: 200 }, (_, i) => ask(s, i % 2 ? 'join' : 'produce', { i, nested: { deep: [i] } }));
		const acks = await Promise.all(junk);
		expect(acks.every((a) => a.ok === false)).toBe(true);
		// Events without an ack and oversize messages must not crash anything either.
		s.emit('join', { roomId: 'x' });
		const big = await open();
		const dropped = new Promise<string>((ok) => big.once('disconnect', ok));
		big.emit('join', { roomId: 'x', displayName: 'y'.repeat(200_000) }, () => undefined);
		// Over maxHttpBufferSize: socket.io drops that connection.
		expect(await dropped).toBe('transport close');
		expect(big.connected).toBe(false);
		const ok = await open();
		const joined = await ask(ok, 'join', { roomId: uniqueRoomId('after'), displayName: 'Still works' });
		expect(joined.ok).toBe(true);
		expect((await fetch(`${baseUrl()}/healthz`)).status).toBe(200);
	});
});
