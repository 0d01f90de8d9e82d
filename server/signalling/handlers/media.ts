import { type Handler, roomAction } from '../handlerTypes.js';

/** Transports, producers and consumers of a joined participant. Ownership is checked in RoomMedia. */
export const mediaHandlers = {
	setRtpCapabilities: roomAction<'setRtpCapabilities'>((room, by, req) => room.media.setRtpCapabilities(by, req.rtpCapabilities)),
	connectTransport: roomAction<'connectTransport'>((room, by, req) => room.media.connectTransport(by, req.transportId, req.dtlsParameters)),
	pauseProducer: roomAction<'pauseProducer'>((room, by, req) => room.setProducerPaused(by, req.producerId, true)),
	resumeProducer: roomAction<'resumeProducer'>((room, by, req) => room.setProducerPaused(by, req.producerId, false)),
	closeProducer: roomAction<'closeProducer'>((room, by, req) => room.closeProducer(by, req.producerId)),
	pauseConsumer: roomAction<'pauseConsumer'>((room, by, req) => room.media.setConsumerPaused(by, req.consumerId, true)),
	resumeConsumer: roomAction<'resumeConsumer'>((room, by, req) => room.media.setConsumerPaused(by, req.consumerId, false)),
	setPreferredLayers: roomAction<'setPreferredLayers'>((room, by, req) => room.media.setPreferredLayers(by, req.consumerId, req.spatialLayer, req.temporalLayer)),

	createTransport: (async (s, req) => {
		const { room, participant } = s.joined();
		return { ...(await room.media.createTransport(participant.id, req.direction)), iceServers: s.deps.iceServers?.() ?? [] };
	}) satisfies Handler<'createTransport'>,

	restartIce: (async (s, req) => {
		const { room, participant } = s.joined();
		// Fresh TURN credentials too: the first ones may have expired by now.
		return { iceParameters: await room.media.restartIce(participant.id, req.transportId), iceServers: s.deps.iceServers?.() ?? [] };
	}) satisfies Handler<'restartIce'>,

	produce: (async (s, req) => {
		const { room, participant } = s.joined();
		const info = await room.produce(participant.id, req);
		return { producerId: info.id };
	}) satisfies Handler<'produce'>,

	consume: (async (s, req) => {
		const { room, participant } = s.joined();
		return room.media.consume(participant.id, req.producerId);
	}) satisfies Handler<'consume'>,
};
