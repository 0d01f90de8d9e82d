/**
 * A churning meeting for half an hour against the real server and its real mediasoup worker:
 * scripted participants join (with a send and a receive transport, microphone and camera
 * producers, a consumer of everything the others send), chat, mute, turn the camera off and on,
 * drop their connection and resume on a new one, vanish, and leave; each room closes after a few
 * minutes and a new one opens. The counts stay bounded (participants per room, rooms), so a
 * server that frees what it allocates keeps a flat memory line. Every few seconds the server's
 * V8 heap (from its /metrics), its RSS and its workers' RSS are sampled; after a warm-up, a
 * least-squares line through each gives its slope per hour. See bench/README.md.
 *
 *   npm run bench:soak                     30 minutes (the first 5 are warm-up)
 *   npm run bench:soak -- --minutes 5      a shorter run (warm-up 1 min)
 *   npm run bench:soak -- --report bench/results/soak.json    re-render a run's table
 *   ... --note "shared machine: a test suite ran meanwhile"     recorded with the run
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OUT_OPTION, options, runBench } from './lib/cli.js';
import { NEEDS } from './lib/preflight.js';
import { childPids, rssAnonBytes, rssBytes } from './lib/proc.js';
import { type SoakResult, type SoakSample, soakMarkdown, soakSummary } from './lib/soakReport.js';
import { SoakParticipant, Tally } from './lib/soakParticipant.js';
import { spawnPlenum, stopPlenum } from './systems/plenum.js';

const values = options({
	minutes: { type: 'string', default: '30' },
	warmup: { type: 'string' },
	rooms: { type: 'string', default: '2' },
	min: { type: 'string', default: '2' },
	max: { type: 'string', default: '6' },
	'room-minutes': { type: 'string', default: '4' },
	tick: { type: 'string', default: '500' },
	sample: { type: 'string', default: '5' },
	seed: { type: 'string', default: '1' },
	...OUT_OPTION,
	report: { type: 'string' },
	/** What else ran on the machine meanwhile, for the record. */
	note: { type: 'string' },
});

/** Relative weights of the churn's actions (join and leave also keep each room between --min and --max). */
const ACTIONS = { join: 3, leave: 2, vanish: 0.5, chat: 4, mute: 2, camera: 1.5, reconnect: 1.5 } as const;
type Action = keyof typeof ACTIONS;
/** Time for the last vanished participants' reconnect grace and the empty rooms' grace to pass. */
const SETTLE_TIMEOUT_MS = 120_000;

interface SoakRoom { id: string; openedAt: number; people: SoakParticipant[] }

async function main(): Promise<void> {
	const minutes = Number(values.minutes);
	const warmupMin = values.warmup ? Number(values.warmup) : Math.min(5, Math.max(1, Math.round(minutes / 6)));
	const [roomCount, min, max, roomMin, tickMs, sampleMs] = [values.rooms, values.min, values.max, values['room-minutes'], values.tick, values.sample].map(Number) as [number, number, number, number, number, number];
	const rand = mulberry32(Number(values.seed));
	const logDir = mkdtempSync(join(os.tmpdir(), 'plenum-soak-'));
	const { child, url } = await spawnPlenum({
		rtcPort: 48_000 + Math.floor(Math.random() * 1_900), logPath: join(logDir, 'server.log'),
		env: { MEDIASOUP_WORKERS: '1', MEDIA_STATS_INTERVAL_MS: '10000' },
	});
	const pid = child.pid ?? 0;
	const tally = new Tally();
	const samples: SoakSample[] = [];
	const started = new Date();
	let t0 = 0;
	const sample = async (): Promise<Omit<SoakSample, 't'>> => {
		const m = await scrape(url);
		const workers = childPids(pid);
		return {
			heapUsed: m('plenum_nodejs_heap_size_used_bytes'), serverRss: rssBytes([pid]), workerRss: rssBytes(workers),
			serverAnon: rssAnonBytes([pid]), workerAnon: rssAnonBytes(workers), participants: m('plenum_participants'), rooms: m('plenum_rooms'),
		};
	};
	let after: Omit<SoakSample, 't'> | undefined;
	let before: Omit<SoakSample, 't'>;
	try {
		await sleep(10_000); // start-up compiles and collects
		before = await sample();
		console.log(`soak: ${minutes} min against ${url} (server pid ${pid}, log ${logDir}); idle heap ${mib(before.heapUsed)}, RSS ${mib(before.serverRss)}, workers ${mib(before.workerRss)} MiB`);
		t0 = Date.now();
		const end = t0 + minutes * 60_000;
		let seq = 0;
		const rooms: SoakRoom[] = [];
		const openRoom = (): SoakRoom => ({ id: `soak-${process.pid}-${++seq}`, openedAt: Date.now(), people: [] });
		for (let i = 0; i < roomCount; i++) rooms.push(openRoom());
		const sampler = (async () => {
			while (Date.now() < end) {
				const s = await sample().then((x) => ({ t: Date.now() - t0, ...x }), () => undefined);
				if (!s) tally.count('sampleFailed');
				else samples.push(s);
				if (s && samples.length % 12 === 0) console.log(`  ${(s.t / 60_000).toFixed(1)} min: heap ${mib(s.heapUsed)}, RSS ${mib(s.serverRss)}, workers ${mib(s.workerRss)} (anonymous ${mib(s.workerAnon ?? Number.NaN)}) MiB; ${s.participants} participants in ${s.rooms} rooms; ${JSON.stringify(tally.counts)}`);
				await sleep(sampleMs * 1000);
			}
		})();
		let name = 0;
		while (Date.now() < end) {
			const room = rooms[Math.floor(rand() * rooms.length)]!;
			if (Date.now() - room.openedAt > roomMin * 60_000) {
				// The room's time is up: everyone leaves, the room closes, a new one opens.
				await Promise.all(room.people.splice(0).map((p) => p.leave()));
				tally.count('roomClosed');
				rooms[rooms.indexOf(room)] = openRoom();
				continue;
			}
			const action: Action = room.people.length < min ? 'join' : pick(rand, room.people.length >= max ? without(ACTIONS, 'join') : room.people.length <= min ? without(ACTIONS, 'leave', 'vanish') : ACTIONS);
			await act(action, room, url, `Soak ${++name}`, rand, tally).catch(() => tally.count(`${action}Failed`));
			await sleep(tickMs);
		}
		await sampler;
		await Promise.all(rooms.flatMap((r) => r.people.splice(0).map((p) => p.leave())));
		// Vanished participants go after the reconnect grace, their rooms after the empty grace.
		const settleBy = Date.now() + SETTLE_TIMEOUT_MS;
		while (Date.now() < settleBy && (await sample()).rooms > 0) await sleep(2_000);
		await sleep(10_000);
		after = await sample();
	} finally {
		await stopPlenum(child);
	}
	const result: SoakResult = {
		startedAt: started.toISOString(),
		finishedAt: new Date().toISOString(),
		command: `npm run bench:soak${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
		minutes,
		settings: { rooms: roomCount, participantsPerRoom: `${min}–${max}`, roomMinutes: roomMin, tickMs, sampleS: sampleMs, warmupMin, seed: Number(values.seed), mediasoupWorkers: 1 },
		machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, kernel: os.release(), loadavg: os.loadavg() },
		...(values.note ? { note: values.note } : {}),
		counts: tally.counts,
		failures: tally.failures,
		idle: { before, after },
		samples,
		summary: soakSummary(samples, warmupMin * 60_000),
	};
	mkdirSync(values.out, { recursive: true });
	save(join(values.out, minutes === 30 ? 'soak.json' : `soak-${minutes}min.json`), result);
	console.log(`server log in ${logDir}`);
}

/** Writes a run as `file` (JSON) and its table beside it (.md), and prints the table. */
function save(file: string, result: SoakResult): void {
	writeFileSync(file, `${JSON.stringify(result, null, '\t')}\n`);
	const md = soakMarkdown(result);
	writeFileSync(file.replace(/\.json$/, '.md'), md);
	console.log(`${md}\nwritten: ${file.replace(/\.json$/, '.{json,md}')}`);
}

/** Recomputes a saved run's summary (the analysis may have changed since) and rewrites its files. */
function rerender(file: string): void {
	const saved = JSON.parse(readFileSync(file, 'utf8')) as SoakResult;
	save(file, { ...saved, summary: soakSummary(saved.samples, saved.summary.warmupMs) });
}

async function act(action: Action, room: SoakRoom, url: string, name: string, rand: () => number, tally: Tally): Promise<void> {
	const i = Math.floor(rand() * room.people.length);
	const who = room.people[i];
	if (action === 'join') {
		room.people.push(await SoakParticipant.join(url, room.id, name, tally));
	} else if (!who) {
		return;
	} else if (action === 'leave' || action === 'vanish') {
		room.people.splice(i, 1);
		if (action === 'leave') await who.leave();
		else who.vanish();
	} else if (action === 'chat') {
		await who.chat();
	} else if (action === 'mute') {
		await who.toggleMute();
	} else if (action === 'camera') {
		await who.toggleCamera();
	} else {
		await who.reconnect().catch((err: unknown) => {
			// A failed resume leaves nobody behind on our side: the server drops the place after its grace.
			room.people.splice(room.people.indexOf(who), 1);
			who.vanish();
			throw err;
		});
	}
	tally.count(action);
}

/** The server's /metrics as a lookup: the sum of every sample of `name` (over its labels). */
async function scrape(url: string): Promise<(name: string) => number> {
	const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
	return (name) => {
		let sum = 0;
		let found = false;
		for (const line of text.split('\n')) {
			if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
				sum += Number(line.slice(line.lastIndexOf(' ') + 1));
				found = true;
			}
		}
		return found ? sum : Number.NaN;
	};
}

function pick(rand: () => number, weights: Partial<Record<Action, number>>): Action {
	const entries = Object.entries(weights) as [Action, number][];
	let r = rand() * entries.reduce((s, [, w]) => s + w, 0);
	for (const [a, w] of entries) if ((r -= w) < 0) return a;
	return entries.at(-1)![0];
}

function without(weights: Partial<Record<Action, number>>, ...drop: Action[]): Partial<Record<Action, number>> {
	return Object.fromEntries(Object.entries(weights).filter(([a]) => !drop.includes(a as Action)));
}

/** A small seeded PRNG, so a run's sequence of actions can be repeated. */
function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const mib = (b: number) => (b / 2 ** 20).toFixed(1);

// Last: everything above is initialised by now.
if (values.report) rerender(values.report);
else await runBench({ needs: NEEDS.soak(), main });
