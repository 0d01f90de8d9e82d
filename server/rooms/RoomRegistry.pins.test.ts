import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRoomMedia } from '../../test/fakes/FakeRoomMedia.js';
import { asRoomId } from '../shared/ids.js';
import { RoomRegistry } from './RoomRegistry.js';

const log = pino({ level: 'silent' });
const opts = { emptyGraceMs: 60_000, maxParticipants: 10, reconnectGraceMs: 1_000 };

describe('RoomRegistry dial-in PINs', () => {
	let registry: RoomRegistry | undefined;
	afterEach(() => registry?.closeAll('shutdown'));

	it('gives each open room a distinct PIN of SIP_PIN_DIGITS digits', async () => {
		registry = new RoomRegistry({ createRoomMedia: async () => new FakeRoomMedia() }, opts, log, { maxRooms: 100, dialInPinDigits: 9 });
		const pins = new Set<string>();
		for (let i = 0; i < 100; i++) pins.add((await registry.getOrCreate(asRoomId(`r${i}`))).dialInPin ?? '');
		expect(pins.size).toBe(100);
		for (const pin of pins) expect(pin).toMatch(/^[1-9]\d{8}$/);
	});

	it('refuses a room with PLN_DIAL_IN_PIN_UNAVAILABLE when the PINs run out, leaving nothing behind, instead of looping', async () => {
		const made: FakeRoomMedia[] = [];
		registry = new RoomRegistry({ createRoomMedia: async () => { const m = new FakeRoomMedia(); made.push(m); return m; } }, opts, log, { maxRooms: Number.POSITIVE_INFINITY, dialInPinDigits: 4 });
		let refusedAt: number | undefined;
		for (let i = 0; i <= 9000 && refusedAt === undefined; i++) {
			try {
				await registry.getOrCreate(asRoomId(`r${i}`));
			} catch (err) {
				expect(err).toMatchObject({ code: 'PLN_DIAL_IN_PIN_UNAVAILABLE' });
				refusedAt = i;
			}
		}
		// 9 000 four-digit PINs (1000–9999): refused at the latest for room 9 001.
		expect(refusedAt).toBeDefined();
		expect(refusedAt).toBeLessThanOrEqual(9000);
		expect(registry.size).toBe(refusedAt);
		expect(made.at(-1)?.closed).toBe(true); // the refused room's media
		expect(registry.get(asRoomId(`r${refusedAt}`))).toBeUndefined();
	});
});
