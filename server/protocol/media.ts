/** Media data on the wire, shared by server, sfu-workers and client (types only, no runtime). */

export type MediaKind = 'audio' | 'video';
/** What a producer carries, as the participant labelled it. */
export type MediaSource = 'mic' | 'camera' | 'screen' | 'screenAudio';
export type TransportDirection = 'send' | 'recv';

/** JSON handed to mediasoup-client as is; validated by mediasoup, not by us. */
export type Json = unknown;

export interface TransportInfo {
	id: string;
	iceParameters: Json;
	iceCandidates: Json;
	dtlsParameters: Json;
}

/** A TURN server with time-limited credentials (RTCIceServer), handed out with each transport. */
export interface IceServer {
	urls: string[];
	username: string;
	credential: string;
}

export interface ProducerInfo {
	id: string;
	participantId: string;
	kind: MediaKind;
	source: MediaSource;
	paused: boolean;
}

export interface ConsumerInfo {
	id: string;
	producerId: string;
	kind: MediaKind;
	rtpParameters: Json;
	type: string;
	producerPaused: boolean;
}
