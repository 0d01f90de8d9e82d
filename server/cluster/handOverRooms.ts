import type { Logger } from '../observability/log.js';
import { roomRef } from '../observability/redact.js';
import type { Room } from '../rooms/Room.js';
import type { Cluster } from './Cluster.js';
import type { ClusterRooms } from './ClusterRooms.js';

/** How long a handed-over room waits here for its clients to leave before it closes anyway. */
const LEAVE_WAIT_MS = 3_000;
const LEAVE_POLL_MS = 50;

/**
 * A drain in cluster mode: every room this node owns goes to the least-loaded other live node
 * (state saved, lease handed over, opened there), its clients are told to reconnect and resume
 * (this node's own clients at the new owner's URL, relayed ones at their home node, which
 * routes them anew), and the room closes here once they left: no one is told it closed.
 * Rooms no other node can take stay, and end with the ordinary drain.
 */
export async function handOverRooms(rooms: Room[], cluster: Cluster, owners: ClusterRooms, log: Logger): Promise<void> {
	cluster.setDraining(true);
	await Promise.all(rooms.map(async (room) => {
		const target = cluster.live().find((n) => n.id !== cluster.nodeId && !n.draining);
		if (!target) return;
		try {
			if (!(await owners.handOver(room, target.id))) return;
		} catch (err) {
			log.warn({ err, room: roomRef(room.id) }, 'room not handed over; it stays until the drain ends');
			return;
		}
		for (const p of room.participants()) p.notify({ event: 'reconnect', data: { url: p.node ? null : target.publicUrl } });
		for (let waited = 0; waited < LEAVE_WAIT_MS && room.participants().some((p) => p.connected); waited += LEAVE_POLL_MS) {
			await new Promise((ok) => setTimeout(ok, LEAVE_POLL_MS));
		}
		log.info({ room: roomRef(room.id) }, 'room handed over to another node');
		room.close('shutdown');
	}));
}
