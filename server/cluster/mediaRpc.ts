import { z } from 'zod';
import { MediaJsonSchema, RoomIdSchema } from '../protocol/common.js';
import { LIMITS } from '../protocol/limits.js';
import { PlenumError } from '../shared/errors.js';
import { ConsumerInfo, MediaKind, MediaSource, ProducerInfo, TransportDirection, TransportInfo } from '../protocol/media.js';

/**
 * The bus calls and messages between a room's owner (ClusterRoomMedia) and the MediaAgent of
 * each node that holds part of the room's media, one schema each. Everything from another
 * node is parsed with these (invariant: every inbound message has a schema), answers too.
 */

export const NodeIdSchema = z.string().regex(/^[A-Za-z0-9._-]+$/).min(1).max(LIMITS.ID_MAX);
const Id = z.string().min(1).max(LIMITS.ID_MAX);
const Room = { roomId: RoomIdSchema };
const Member = { roomId: RoomIdSchema, participantId: Id };

export const PipeTupleSchema = z.object({
	ip: z.string().min(1).max(64),
	port: z.number().int().min(1).max(65_535),
	srtpParameters: z.object({ cryptoSuite: z.string().max(64), keyBase64: z.string().max(256) }),
});
export const PipedProducerSchema = z.object({
	id: Id, kind: MediaKind, rtpParameters: MediaJsonSchema, paused: z.boolean(), participantId: Id, source: MediaSource, version: z.number().int().min(0),
});

/** Bus method → its params' schema. */
export const MEDIA_CALLS = {
	'media.open': z.object({ ...Room, owner: NodeIdSchema }),
	'media.adopt': z.object({ ...Room, owner: NodeIdSchema }),
	'media.addParticipant': z.object(Member),
	'media.setRtpCapabilities': z.object({ ...Member, rtpCapabilities: MediaJsonSchema }),
	'media.createTransport': z.object({ ...Member, direction: TransportDirection }),
	'media.createPlainTransport': z.object({ ...Member, bridge: z.object({ ip: z.string().min(1).max(64), port: z.number().int().min(1).max(65_535) }) }),
	'media.connectTransport': z.object({ ...Member, transportId: Id, dtlsParameters: MediaJsonSchema }),
	'media.restartIce': z.object({ ...Member, transportId: Id }),
	'media.produce': z.object({ ...Member, transportId: Id, kind: MediaKind, source: MediaSource, rtpParameters: MediaJsonSchema, paused: z.boolean() }),
	'media.setProducerPaused': z.object({ ...Member, producerId: Id, paused: z.boolean() }),
	'media.closeProducer': z.object({ ...Member, producerId: Id }),
	'media.consume': z.object({ ...Member, producerId: Id }),
	'media.setConsumerPaused': z.object({ ...Member, consumerId: Id, paused: z.boolean() }),
	'media.setPreferredLayers': z.object({
		...Member, consumerId: Id, spatialLayer: z.number().int().min(0).max(LIMITS.LAYER_MAX), temporalLayer: z.number().int().min(0).max(LIMITS.LAYER_MAX).optional(),
	}),
	'media.removeParticipant': z.object(Member),
	'media.pipeLink': z.object({ ...Room, peer: NodeIdSchema }),
	'media.pipeOut': z.object({ ...Room, producerId: Id, peer: NodeIdSchema, remote: PipeTupleSchema }),
	'media.pipeIn': z.object({ ...Room, peer: NodeIdSchema, remote: PipeTupleSchema, producer: PipedProducerSchema }),
	'media.dropPeer': z.object({ ...Room, peer: NodeIdSchema }),
	'media.pipesLost': z.object({ ...Room, peer: NodeIdSchema, producers: z.array(Id).max(10_000) }),
	'media.observePiped': z.object({ ...Room, producerId: Id }),
	'media.close': z.object(Room),
} as const;
export type MediaMethod = keyof typeof MEDIA_CALLS;
export type MediaParams<M extends MediaMethod> = z.infer<(typeof MEDIA_CALLS)[M]>;

/** Answers, parsed by the owner. */
export const MEDIA_ANSWERS = {
	open: z.object({ rtpCapabilities: MediaJsonSchema }),
	adopt: z.object({ participants: z.array(z.object({ participantId: Id, producers: z.array(ProducerInfo).max(100) })).max(10_000) }),
	transport: TransportInfo,
	plainTransport: z.object({ id: Id, ip: z.string().max(64), port: z.number().int() }),
	iceParameters: MediaJsonSchema,
	producer: ProducerInfo,
	consumer: ConsumerInfo,
	pipeTuple: PipeTupleSchema,
	pipeOut: z.object({ tuple: PipeTupleSchema, producer: PipedProducerSchema }),
} as const;

/** An answer from a node, checked like any inbound message. */
export function parseAnswer<S extends z.ZodTypeAny>(schema: S, value: unknown): z.infer<S> {
	const r = schema.safeParse(value);
	if (!r.success) throw new PlenumError('PLN_INTERNAL');
	return r.data;
}

/** Node → owner: the room's media events on that node (topic 'media.event'). */
export const MediaEventSchema = z.object({
	roomId: RoomIdSchema,
	event: z.discriminatedUnion('name', [
		z.object({ name: z.literal('consumerClosed'), participantId: Id, consumerId: Id }),
		z.object({ name: z.literal('producerClosed'), participantId: Id, producerId: Id }),
		z.object({ name: z.literal('activeSpeaker'), participantId: Id }),
		z.object({ name: z.literal('workerLost'), participants: z.array(Id).max(10_000), producers: z.array(Id).max(10_000) }),
		z.object({ name: z.literal('closed'), reason: z.enum(['closed', 'workerDied']) }),
	]),
});
export type MediaEvent = z.infer<typeof MediaEventSchema>['event'];
export const MEDIA_EVENT_TOPIC = 'media.event';

/** Producer's node → consumer's node: the origin producer of a pipe paused, resumed or closed. */
export const PipeNewsSchema = z.object({ roomId: RoomIdSchema, producerId: Id, state: z.enum(['paused', 'resumed', 'closed']), version: z.number().int().min(1) });
export const PIPE_NEWS_TOPIC = 'media.pipe';
