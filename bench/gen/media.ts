import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killOnExit, pinned } from '../lib/proc.js';

/** Encoded test media, made once by ffmpeg and kept in the temp dir (bench input only). */
export interface Clips { video: string; audio: string }

export const VIDEO_KBPS = 1500;
const CLIP_SECONDS = 20;
const SOURCE_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * VP8 640x360 at 30 fps and about VIDEO_KBPS (noise keeps the encoder busy, so the bitrate is
 * real), a keyframe every second; Opus 48 kHz from pink noise (every packet differs).
 */
export function prepareClips(): Clips {
	const dir = join(tmpdir(), 'plenum-bench-media');
	mkdirSync(dir, { recursive: true });
	const video = join(dir, `vp8-360p-${VIDEO_KBPS}k.ivf`);
	const audio = join(dir, 'opus-40k.ogg');
	const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
	if (!existsSync(video)) {
		ff(['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=30,noise=alls=12:allf=t`, '-t', String(CLIP_SECONDS),
			'-c:v', 'libvpx', '-b:v', `${VIDEO_KBPS}k`, '-minrate', `${VIDEO_KBPS}k`, '-maxrate', `${VIDEO_KBPS}k`,
			'-deadline', 'realtime', '-cpu-used', '8', '-g', '30', '-auto-alt-ref', '0', video]);
	}
	if (!existsSync(audio)) {
		ff(['-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.3:sample_rate=48000', '-t', String(CLIP_SECONDS),
			'-c:a', 'libopus', '-b:a', '40k', '-ac', '2', '-frame_duration', '20', audio]);
	}
	return { video, audio };
}

export type PacketSink = (kind: 'audio' | 'video', packet: Buffer) => void;

/**
 * One publisher's media: an ffmpeg process (pinned to `cpus`) that loops the clips in real
 * time as RTP to two local sockets; each packet is handed to `sink`. Owner calls close().
 */
export class RtpSource {
	readonly #sockets: Socket[] = [];
	/** Local ports ffmpeg sends to (their kernel drops are the generator's, not the SFU's). */
	readonly ports: number[] = [];
	#ffmpeg: ChildProcess | undefined;
	#closed = false;

	static async start(clips: Clips, kinds: Array<'audio' | 'video'>, sink: PacketSink, cpus: string): Promise<RtpSource> {
		const src = new RtpSource();
		const outputs: string[] = [];
		const inputs: string[] = [];
		for (const [i, kind] of kinds.entries()) {
			// Big buffer: ffmpeg catches up in bursts after the machine stalls it; a packet dropped
			// here would reach every receiver as a sequence gap and be charged to the SFU.
			const sock = createSocket({ type: 'udp4', recvBufferSize: SOURCE_BUFFER_BYTES });
			sock.on('message', (m) => sink(kind, m));
			await new Promise<void>((ok) => sock.bind(0, '127.0.0.1', ok));
			src.#sockets.push(sock);
			src.ports.push(sock.address().port);
			inputs.push('-re', '-stream_loop', '-1', '-i', kind === 'video' ? clips.video : clips.audio);
			const pt = kind === 'video' ? 96 : 111;
			outputs.push('-map', `${i}:0`, '-c', 'copy', '-f', 'rtp', '-payload_type', String(pt), '-ssrc', String(1000 + i),
				`rtp://127.0.0.1:${sock.address().port}?pkt_size=1200`);
		}
		src.#ffmpeg = killOnExit(spawn(...pinned(cpus, ['ffmpeg', '-hide_banner', '-loglevel', 'error', ...inputs, ...outputs]), { stdio: 'ignore' }));
		return src;
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#ffmpeg?.kill('SIGKILL');
		for (const s of this.#sockets) s.close();
	}
}

/** Payload of an RTP packet (after CSRCs and header extension, before padding). */
export function rtpPayload(p: Buffer): Buffer {
	const cc = p[0]! & 0x0f;
	let off = 12 + 4 * cc;
	if (p[0]! & 0x10) off += 4 + 4 * p.readUInt16BE(off + 2);
	const pad = p[0]! & 0x20 ? p[p.length - 1]! : 0;
	return p.subarray(off, p.length - pad);
}

/** Identifies a packet by its payload (SFUs rewrite headers, not payloads). */
export function payloadKey(p: Buffer): string {
	const pl = rtpPayload(p);
	return `${pl.length}:${pl.subarray(Math.max(0, pl.length - 24)).toString('base64')}`;
}

/** Probe sanity: the ffmpeg used has the encoders. */
export function checkFfmpeg(): void {
	execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { stdio: 'pipe' });
}
