import { z } from 'zod';
import { MEDIA_KINDS, MEDIA_SOURCES, TRANSPORT_DIRECTIONS } from './limits.js';

/**
 * Media data on the wire, shared by server, sfu-workers and client: one schema each, the types
 * inferred from it (sfu-workers and the client import the types only).
 */

export const MediaKind = z.enum(MEDIA_KINDS);
export type MediaKind = z.infer<typeof MediaKind>;
/** What a producer carries, as the participant labelled it. */
export const MediaSource = z.enum(MEDIA_SOURCES);
export type MediaSource = z.infer<typeof MediaSource>;
export const TransportDirection = z.enum(TRANSPORT_DIRECTIONS);
export type TransportDirection = z.infer<typeof TransportDirection>;

/** JSON handed to mediasoup-client as is; validated by mediasoup, not by us. */
export type Json = unknown;
const Json = z.unknown();

export const TransportInfo = z.object({
	id: z.string(),
	iceParameters: Json,
	iceCandidates: Json,
	dtlsParameters: Json,
});
export type TransportInfo = z.infer<typeof TransportInfo>;

/** A TURN server with time-limited credentials (RTCIceServer), handed out with each transport. */
export const IceServer = z.object({
	urls: z.array(z.string()),
	username: z.string(),
	credential: z.string(),
});
export type IceServer = z.infer<typeof IceServer>;

export const ProducerInfo = z.object({
	id: z.string(),
	participantId: z.string(),
	kind: MediaKind,
	source: MediaSource,
	paused: z.boolean(),
});
export type ProducerInfo = z.infer<typeof ProducerInfo>;

export const ConsumerInfo = z.object({
	id: z.string(),
	producerId: z.string(),
	kind: MediaKind,
	rtpParameters: Json,
	type: z.string(),
	producerPaused: z.boolean(),
});
export type ConsumerInfo = z.infer<typeof ConsumerInfo>;

/** The video a moderator can stop (camera, or the screen share with its audio). */
export const VideoSource = MediaSource.extract(['camera', 'screen']);
export type VideoSource = z.infer<typeof VideoSource>;
