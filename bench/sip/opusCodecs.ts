/**
 * Native (@discordjs/opus, libopus built at install) against WASM (opusscript) for what a phone
 * call does every 20 ms: encode 8 kHz mono to Opus, decode Opus to 8 kHz. Prints µs per frame.
 *
 *   npm run bench:opus
 */
import { NEEDS, preflight } from '../lib/preflight.js';

// Imported after the preflight, so a codec that did not install ends in one line, not a stack trace.
preflight(NEEDS.opus());
const { default: discord } = await import('@discordjs/opus');
const { default: OpusScript } = await import('opusscript');

const FRAMES = 5000; // 100 s of audio
const pcm = Buffer.alloc(320);
for (let i = 0; i < 160; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin(i / 3) + 2000 * Math.sin(i / 0.7)), i * 2);

function time(fn: () => void): number {
	const t = process.cpuUsage();
	for (let i = 0; i < FRAMES; i++) fn();
	const d = process.cpuUsage(t);
	return (d.user + d.system) / FRAMES;
}

const ne = new discord.OpusEncoder(8000, 1);
ne.setBitrate(24_000);
const nd = new discord.OpusEncoder(8000, 1);
const np = ne.encode(pcm);
const we = new OpusScript(8000, 1, OpusScript.Application.VOIP);
we.setBitrate(24_000);
const wd = new OpusScript(8000, 1, OpusScript.Application.VOIP);
const wp = we.encode(pcm, 160);
const rows = [
	['@discordjs/opus (native)', time(() => ne.encode(pcm)), time(() => nd.decode(np))],
	['opusscript (WASM)', time(() => we.encode(pcm, 160)), time(() => wd.decode(wp))],
] as const;
console.log('| codec | encode µs/20 ms frame | decode µs/20 ms frame |\n|---|---|---|');
for (const [name, enc, dec] of rows) console.log(`| ${name} | ${enc.toFixed(1)} | ${dec.toFixed(1)} |`);
