import type { Participant } from '../rooms/Participant.js';
import type { Room } from '../rooms/Room.js';
import type { RoomAudioLink } from './media/RoomAudioLink.js';
import type { PhoneLegParams } from './rtp/PhoneLeg.js';

/**
 * The phone side of a call as PhoneCall uses it (PhoneLeg in production; test/fakes/FakePhoneLeg.ts
 * in unit tests): RTP frames to and from the phone, and its key presses.
 */
export interface CallLeg {
	/** Each telephone-event digit (PhoneLegEvents.dtmf). */
	on(event: 'dtmf', listener: (digit: string) => void): unknown;
	off(event: 'dtmf', listener: (digit: string) => void): unknown;
	/** What the SDP agreed; `receive` is false while the phone holds the call. */
	readonly params: Pick<PhoneLegParams, 'receive'> | undefined;
	/** When the last RTP packet came from the phone (performance.now() ms). */
	readonly lastPacketAt: number;
	readonly jitter: { readonly received: number };
	/** Frames sent to the phone so far. */
	readonly sent: number;
	/** The phone's next 20 ms as 8 kHz PCM, or undefined. */
	nextFrame(): Int16Array | undefined;
	/** Sends 20 ms of 8 kHz PCM to the phone. */
	send(pcm: Int16Array): void;
}

/**
 * The call's media in its room as PhoneCall uses it: RoomAudioLink's public surface. Owned by
 * the PhoneCall that opened it, which closes it when it leaves the room (or drops it when the
 * call ended while it was being opened). Faked by test/fakes/FakeAudioLink.ts.
 */
export type AudioLink = { [K in keyof RoomAudioLink]: RoomAudioLink[K] };

/** Opens a call's AudioLink for its participant (RoomAudioLink.open in production). */
export type OpenAudioLink = (room: Room, participant: Participant) => Promise<AudioLink>;
