/**
 * The "minimal script" for bare mediasoup: a process of its own (pinned to the SFU's CPU, so
 * its Node side counts as the SFU's, as Plenum's server does) that owns one worker and a
 * WebRtcServer and does what the bench asks over the IPC channel. No signalling, no rooms.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../../sfu-workers/mediaCodecs.js';
import { workerBinary } from '../../sfu-workers/workerBinary.js';

// The transport options Plenum's RoomMediaImpl uses, so both run the engine the same way.
const INITIAL_OUTGOING_BITRATE = 1_000_000;

export type HostRequest =
	| { op: 'openRoom' }
	| { op: 'closeRoom'; room: string }
	| { op: 'createTransport'; room: string }
	| { op: 'connectTransport'; transportId: string; dtlsParameters: types.DtlsParameters }
	| { op: 'produce'; transportId: string; kind: types.MediaKind; rtpParameters: types.RtpParameters }
	| { op: 'consume'; transportId: string; producerId: string; rtpCapabilities: types.RtpCapabilities }
	| { op: 'resumeConsumer'; consumerId: string }
	| { op: 'closeTransport'; transportId: string };

const port = Number(process.argv[2]);
const worker = await mediasoup.createWorker({ workerBin: workerBinary(), logLevel: 'warn' });
const server = await worker.createWebRtcServer({
	listenInfos: [
		{ protocol: 'udp', ip: '127.0.0.1', announcedAddress: '127.0.0.1', port },
		{ protocol: 'tcp', ip: '127.0.0.1', announcedAddress: '127.0.0.1', port },
	],
});
const routers = new Map<string, types.Router>();
const transports = new Map<string, types.WebRtcTransport>();
const consumers = new Map<string, types.Consumer>();

function must<T>(x: T | undefined, what: string): T {
	if (!x) throw new Error(`no such ${what}`);
	return x;
}

async function handle(r: HostRequest): Promise<unknown> {
	switch (r.op) {
		case 'openRoom': {
			const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
			routers.set(router.id, router);
			return { room: router.id, rtpCapabilities: router.rtpCapabilities };
		}
		case 'closeRoom':
			routers.get(r.room)?.close();
			routers.delete(r.room);
			return null;
		case 'createTransport': {
			const t = await must(routers.get(r.room), 'room').createWebRtcTransport({
				webRtcServer: server, enableUdp: true, enableTcp: true, preferUdp: true,
				initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
			});
			transports.set(t.id, t);
			t.observer.once('close', () => transports.delete(t.id));
			return { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters };
		}
		case 'connectTransport':
			await must(transports.get(r.transportId), 'transport').connect({ dtlsParameters: r.dtlsParameters });
			return null;
		case 'produce':
			return (await must(transports.get(r.transportId), 'transport').produce({ kind: r.kind, rtpParameters: r.rtpParameters })).id;
		case 'consume': {
			const c = await must(transports.get(r.transportId), 'transport').consume({ producerId: r.producerId, rtpCapabilities: r.rtpCapabilities, paused: true });
			consumers.set(c.id, c);
			c.observer.once('close', () => consumers.delete(c.id));
			return { id: c.id, rtpParameters: c.rtpParameters };
		}
		case 'resumeConsumer':
			await consumers.get(r.consumerId)?.resume();
			return null;
		case 'closeTransport':
			transports.get(r.transportId)?.close();
			return null;
	}
}

process.on('message', (m: { id: number; req: HostRequest }) => {
	handle(m.req).then(
		(data) => process.send?.({ id: m.id, ok: true, data }),
		(err: Error) => process.send?.({ id: m.id, ok: false, error: err.message }),
	);
});
process.on('disconnect', () => { worker.close(); process.exit(0); });
process.send?.({ ready: worker.pid });
