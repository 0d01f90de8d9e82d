import { createHash } from 'node:crypto';

/** A room's part of its Redis keys: sha256 hex of the room id (32 chars), so a SCAN shows no room name. */
export function roomKey(roomId: string): string {
	return createHash('sha256').update(roomId).digest('hex').slice(0, 32);
}

/** Every Redis key and channel name of the cluster (types.ts lists them with their TTLs). */
export const keys = {
	node: (nodeId: string) => `pln:node:${nodeId}`,
	nodePattern: 'pln:node:*',
	owner: (roomId: string) => `pln:room:${roomKey(roomId)}:owner`,
	state: (roomId: string) => `pln:room:${roomKey(roomId)}:state`,
	pin: (pin: string) => `pln:pin:${pin}`,
	channel: (nodeId: string) => `pln:to:${nodeId}`,
};
