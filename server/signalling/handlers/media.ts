import type { Handler } from '../handlerTypes.js';

/** Transports, producers and consumers of a joined participant. Ownership is checked in RoomMedia. */
export const mediaHandlers = {
	setRtpCapabilities: (async (s, req) => {
		const { room, participant } = s.joined();
		room.media.setRtpCapabilities(participant.id, req.rtpCapabilities);
		return {};
	}) satisfies Handler<'setRtpCapabilities'>,

	createTransport: (async (s, req) => {
		const { room, participant } = s.joined();
		return room.media.createTransport(participant.id, req.direction);
	}) satisfies Handler<'createTransport'>,

	connectTransport: (async (s, req) => {
		const { room, participant } = s.joined();
		await room.media.connectTransport(participant.id, req.transportId, req.dtlsParameters);
		return {};
	}) satisfies Handler<'connectTransport'>,

	restartIce: (async (s, req) => {
		const { room, participant } = s.joined();
		return { iceParameters: await room.media.restartIce(participant.id, req.transportId) };
	}) satisfies Handler<'restartIce'>,

	produce: (async (s, req) => {
		const { room, participant } = s.joined();
		const info = await room.produce(participant.id, req);
		return { producerId: info.id };
	}) satisfies Handler<'produce'>,

	pauseProducer: (async (s, req) => {
		const { room, participant } = s.joined();
		await room.setProducerPaused(participant.id, req.producerId, true);
		return {};
	}) satisfies Handler<'pauseProducer'>,

	resumeProducer: (async (s, req) => {
		const { room, participant } = s.joined();
		await room.setProducerPaused(participant.id, req.producerId, false);
		return {};
	}) satisfies Handler<'resumeProducer'>,

	closeProducer: (async (s, req) => {
		const { room, participant } = s.joined();
		room.closeProducer(participant.id, req.producerId);
		return {};
	}) satisfies Handler<'closeProducer'>,

	consume: (async (s, req) => {
		const { room, participant } = s.joined();
		return room.media.consume(participant.id, req.producerId);
	}) satisfies Handler<'consume'>,

	pauseConsumer: (async (s, req) => {
		const { room, participant } = s.joined();
		await room.media.setConsumerPaused(participant.id, req.consumerId, true);
		return {};
	}) satisfies Handler<'pauseConsumer'>,

	resumeConsumer: (async (s, req) => {
		const { room, participant } = s.joined();
		await room.media.setConsumerPaused(participant.id, req.consumerId, false);
		return {};
	}) satisfies Handler<'resumeConsumer'>,

	setPreferredLayers: (async (s, req) => {
		const { room, participant } = s.joined();
		await room.media.setPreferredLayers(participant.id, req.consumerId, req.spatialLayer, req.temporalLayer);
		return {};
	}) satisfies Handler<'setPreferredLayers'>,
};
