/**
 * What reading media stats costs (MediaStats.poll): one real worker holding one producer and
 * N - 1 consumers on WebRTC transports, polled K times; prints the worker's and Node's CPU per
 * stream read and what that means at the default interval. No media has to flow: a getStats()
 * round-trip costs the same. Run: npx tsx sfu-workers/statsCost.ts [streams=1000] [polls=20]
 */
import * as mediasoup from 'mediasoup';
import { MEDIA_CODECS } from './mediaCodecs.js';
import { MediaStats } from './MediaStats.js';
import { workerBinary } from './workerBinary.js';

const STREAMS = Number(process.argv[2] ?? 1000);
const POLLS = Number(process.argv[3] ?? 20);
const CONSUMERS_PER_TRANSPORT = 50;
const DEFAULT_INTERVAL_S = 10;

const worker = await mediasoup.createWorker({ workerBin: workerBinary(), logLevel: 'warn' });
const stats = new MediaStats(0); // polled by hand below
stats.watch(worker);
const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
const webRtcServer = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: 0 }] });
const send = await router.createWebRtcTransport({ webRtcServer });
const producer = await send.produce({
	kind: 'audio',
	rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1111 }] },
	appData: { source: 'mic' },
});
for (let made = 1; made < STREAMS; ) {
	const recv = await router.createWebRtcTransport({ webRtcServer });
	for (let i = 0; i < CONSUMERS_PER_TRANSPORT && made < STREAMS; i++, made++) {
		await recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
	}
}
const streams = stats.counts('in').audio + stats.counts('out').audio;

const before = { worker: await worker.getResourceUsage(), node: process.cpuUsage(), at: performance.now() };
for (let i = 0; i < POLLS; i++) await stats.poll();
const after = { worker: await worker.getResourceUsage(), node: process.cpuUsage(before.node), at: performance.now() };

const reads = streams * POLLS;
const workerUs = ((after.worker.ru_utime + after.worker.ru_stime - before.worker.ru_utime - before.worker.ru_stime) * 1000) / reads;
const nodeUs = (after.node.user + after.node.system) / reads;
const wallMs = (after.at - before.at) / POLLS;
const share = (us: number) => ((us * streams) / (DEFAULT_INTERVAL_S * 1e6)) * 100;
console.log(`${streams} streams, ${POLLS} polls: ${wallMs.toFixed(1)} ms wall per poll`);
console.log(`per stream read: worker ${workerUs.toFixed(1)} µs CPU, Node ${nodeUs.toFixed(1)} µs CPU`);
console.log(`at MEDIA_STATS_INTERVAL_MS=${DEFAULT_INTERVAL_S * 1000}: worker ${share(workerUs).toFixed(2)} % of a core, Node ${share(nodeUs).toFixed(2)} % of a core`);
stats.close();
worker.close();
