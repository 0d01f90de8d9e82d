import type { RoomClient } from './RoomClient.js';

declare global {
	interface Window {
		/** For tests and debugging in the console: the current meeting's client. */
		plenum?: { client: RoomClient | undefined };
	}
}
