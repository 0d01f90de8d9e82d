import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../server/protocol/limits.js';
import { newRoomId, roomIdFromPath } from './roomLink.js';

describe('room links', () => {
	it('reads the room id the server accepts from /r/<id>, and nothing else', () => {
		expect(roomIdFromPath('/r/Ab3_-x.~')).toBe('Ab3_-x.~');
		expect(roomIdFromPath('/r/team/')).toBe('team');
		expect(roomIdFromPath(`/r/${'r'.repeat(LIMITS.ROOM_ID_MAX)}`)).toHaveLength(LIMITS.ROOM_ID_MAX);
		for (const p of ['/', '/r/', '/r/a b', '/r/a/b', `/r/${'r'.repeat(LIMITS.ROOM_ID_MAX + 1)}`, '/r/%2e%2e']) expect(roomIdFromPath(p), p).toBeUndefined();
	});

	it('makes 22-character random ids that pass the same check', () => {
		const id = newRoomId();
		expect(id).toHaveLength(22);
		expect(roomIdFromPath(`/r/${id}`)).toBe(id);
	});
});
