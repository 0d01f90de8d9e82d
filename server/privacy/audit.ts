/**
 * The zero-retention audit (invariant 1), run by `npm run privacy:audit` and by the test suite.
 *
 * Starts the real server (real mediasoup worker) under strace with the inspector on loopback,
 * holds a scripted meeting full of canary strings (room name, display names, chat), lets
 * everyone leave until the room is closed, and then checks that
 *   1. a heap snapshot taken after forced GCs contains no canary,
 *   2. the server and its workers opened no file for writing, renamed, removed or created none,
 *   3. stdout/stderr and /metrics never contained a canary or the participants' IP address.
 * When sipp is installed a phone caller (SIP dial-in) takes part too: no five-digit piece of the
 * caller's number may be in the heap (during the call and after), the output or /metrics.
 * Nothing is written to disk: logs, trace (strace writes to a pipe we read) and snapshot stay in memory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { runSipp, scenario } from '../../test/support/sipp.js';
import { Inspector } from './inspector.js';
import { numberPiecesIn, piecesOf } from './numberPieces.js';
import { fileWrites } from './straceWrites.js';

export interface AuditResult {
	canaries: string[];
	heapSnapshotBytes: number;
	heapHits: string[];
	logHits: string[];
	metricsHits: string[];
	/** Files the server or its workers wrote, created, renamed or removed (strace). */
	fileWrites: string[];
	/** False when strace is not installed: the file check did not run. */
	traced: boolean;
	/** False when sipp is not installed: no phone caller took part. */
	phoned: boolean;
	/** Five-digit pieces of the caller's number found in heap, output or /metrics. */
	numberHits: string[];
}

/** A random caller number for this run: the room may know its last four digits and nothing else. */
function randomCaller(): { number: string; digits: string; pieces: string[]; label: string } {
	const digits = `49${1 + randomInt(9)}${Array.from({ length: 10 }, () => randomInt(10)).join('')}`;
	return { number: `+${digits}`, digits, pieces: piecesOf(digits), label: `…${digits.slice(-4)}` };
}

/** The strings of a heap snapshot (its node arrays are numbers, and would match any digits). */
function snapshotStrings(snapshot: string): string[] {
	return (JSON.parse(snapshot) as { strings: string[] }).strings;
}

/** Pieces of the number found in the snapshot's strings, except those already there before (source code has "12345"). */
function numberIn(snapshot: string, caller: { digits: string; pieces: string[] }, baseline: Set<string>): string[] {
	return numberPiecesIn(snapshotStrings(snapshot), caller.digits, caller.pieces).filter((p) => !baseline.has(p));
}

const START_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 15_000;
const PARTICIPANT_IP = '127.0.0.1';
const INSPECTOR_BANNER = /^(Debugger listening on ws:\/\/127\.0\.0\.1:\d+\/[\w-]+|Debugger attached\.|Debugger ending on ws:\/\/127\.0\.0\.1:\d+\/[\w-]+|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|Waiting for the debugger to disconnect\.\.\.)$/;
// Every call that creates, changes or removes a file or directory.
const TRACED_CALLS = 'open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir,truncate,link,linkat,symlink,symlinkat';

export async function runAudit(say: (line: string) => void = () => undefined): Promise<AuditResult> {
	const tag = randomBytes(4).toString('hex');
	const canaries = [`CanaryRoom${tag}`, `Canary Erika ${tag}`, `Canary Jürgen ${tag}`, `canary chat ${tag} meet at the town hall`, `canary poll ${tag} budget?`, `canary option ${tag}`, `canary password ${tag}`];
	const [roomId, nameA, nameB, chatText, pollQuestion, pollOption, password] = canaries as [string, string, string, string, string, string, string];
	const traced = spawnSync('strace', ['-V']).status === 0;
	const phoned = spawnSync('sipp', ['-v']).status !== null && spawnSync('sipp', ['-v']).error === undefined;
	const server = await start(traced, phoned);
	const numberHits = new Set<string>();
	const caller = randomCaller();
	let baseline = new Set<string>();
	say(`server ${server.baseUrl} (strace: ${traced ? 'on' : 'not installed, file check skipped'})`);
	const inspector = await Inspector.connect(server.inspectorUrl);
	try {
		const phone = phoned ? { sipPort: server.sipPort(), caller: caller.number } : undefined;
		if (phone) {
			// Digit runs that are in the heap before any call (library code, constants) cannot be tested.
			const strings = snapshotStrings(await inspector.heapSnapshot());
			baseline = new Set(numberPiecesIn(strings, caller.digits, caller.pieces));
			say(`phone caller ${caller.label}: ${caller.pieces.length - baseline.size} of ${caller.pieces.length} five-digit pieces of the number checkable in the heap`);
		}
		await meeting(server.baseUrl, roomId, [nameA, nameB], { chatText, pollQuestion, pollOption, password, phone }, async () => {
			// Control: while the room is open the snapshot must hold the canaries, or the search is blind.
			const during = await inspector.heapSnapshot();
			// The room password is kept only as a SHA-256 digest, so even now it must not be there.
			const expected = canaries.filter((c) => c !== password);
			const seen = expected.filter((c) => inSnapshot(during, c));
			if (seen.length !== expected.length) throw new Error(`control failed: only ${seen.length} of ${expected.length} canaries found in the heap during the meeting`);
			if (inSnapshot(during, password)) throw new Error('the room password is in the heap as plain text during the meeting');
			if (phone) {
				if (!inSnapshot(during, caller.label)) throw new Error('control failed: the phone caller is not in the heap during the meeting');
				// Scrubbed at the socket: not even during the call is the whole number kept.
				for (const piece of numberIn(during, caller, baseline)) numberHits.add(`heap during the call: ${piece}`);
			}
			say('control: all canaries found in the heap while the meeting runs (the password only as a digest)');
		});
		say('meeting held; waiting for the room to close');
		await waitForNoRooms(server.baseUrl);
		const metricsText = await (await fetch(`${server.baseUrl}/metrics`)).text();
		const heap = await inspector.heapSnapshot();
		inspector.close();
		say(`heap snapshot: ${(heap.length / 1e6).toFixed(1)} MB`);
		await stop(server.child, server.pid());
		const output = server.output();
		const trace = server.trace();
		// A trace without the server's own startup opens would make the file check vacuous.
		if (traced && !trace.includes('server/index.ts')) throw new Error('strace recorded nothing: the file check cannot be trusted');
		say(`strace: ${trace.split('\n').length} calls recorded`);
		if (phoned) {
			for (const piece of numberIn(heap, caller, baseline)) numberHits.add(`heap after: ${piece}`);
			// Output and /metrics: the whole number in any written form (timestamps hold any 5 digits).
			const forms = [caller.number, caller.number.slice(1), caller.number.slice(3), caller.number.slice(-9)];
			for (const f of forms) {
				if (output.includes(f)) numberHits.add(`output: ${f}`);
				if (metricsText.includes(f)) numberHits.add(`metrics: ${f}`);
			}
		}
		return {
			phoned,
			numberHits: [...numberHits],
			canaries,
			heapSnapshotBytes: heap.length,
			heapHits: canaries.filter((c) => inSnapshot(heap, c)),
			logHits: [...canaries, PARTICIPANT_IP].filter((c) => output.includes(c)),
			metricsHits: [...canaries, PARTICIPANT_IP].filter((c) => metricsText.includes(c)),
			fileWrites: traced ? fileWrites(trace) : [],
			traced,
		};
	} finally {
		inspector.close();
		await stop(server.child, server.pid());
	}
}

/**
 * Whether a heap snapshot (JSON) holds `s`. V8 writes non-ASCII characters as \uXXXX escapes
 * (upper-case hex), so "Jürgen" is searched as "J\u00FCrgen" too; the in-meeting control proves
 * the search sees every canary.
 */
function inSnapshot(snapshot: string, s: string): boolean {
	const escape = (hex: (n: number) => string) => s.replace(/[^\x20-\x7e]/g, (ch) => `\\u${hex(ch.charCodeAt(0)).padStart(4, '0')}`);
	return [s, escape((n) => n.toString(16).toUpperCase()), escape((n) => n.toString(16))].some((form) => snapshot.includes(form));
}

interface Started {
	child: ChildProcess;
	baseUrl: string;
	inspectorUrl: string;
	output: () => string;
	trace: () => string;
	/** The server's own pid, from its log lines. */
	pid: () => number | undefined;
	/** The SIP dial-in's UDP port (0 without dial-in). */
	sipPort: () => number;
}

async function start(traced: boolean, phoned: boolean): Promise<Started> {
	const node = [process.execPath, '--inspect=127.0.0.1:0', '--import', 'tsx', 'server/index.ts'];
	// strace writes its trace to stderr, a pipe to us: no trace file on disk either.
	const cmd = traced ? ['strace', '-f', '-qq', '-e', `trace=${TRACED_CALLS}`, ...node] : node;
	const child = spawn(cmd[0] as string, cmd.slice(1), {
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			RTC_PORT: String(47000 + Math.floor(Math.random() * 1000)),
			RTC_LISTEN_IP: '127.0.0.1',
			RTC_ANNOUNCED_ADDRESS: '127.0.0.1',
			MEDIASOUP_WORKERS: '1',
			ROOM_EMPTY_GRACE_MS: '200',
			RECONNECT_GRACE_MS: '200',
			LOG_LEVEL: 'trace', // the most the server would ever log
			TSX_DISABLE_CACHE: '1', // tsx would otherwise cache compiled files in /tmp
			...(phoned ? SIP_ENV : {}),
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	let stderr = '';
	child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
	const ready = await new Promise<{ baseUrl: string; inspectorUrl: string }>((ok, fail) => {
		const timer = setTimeout(() => fail(new Error(`server did not start:\n${stderr}`)), START_TIMEOUT_MS);
		child.stderr?.on('data', (d: Buffer) => {
			stderr += d.toString();
			const url = /Plenum is running: open (\S+)/.exec(stderr)?.[1];
			const inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
			if (url && inspectorUrl) {
				clearTimeout(timer);
				ok({ baseUrl: url.replace('localhost', '127.0.0.1'), inspectorUrl });
			}
		});
		child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${stderr}`)));
	});
	const pid = () => {
		const m = /"pid":(\d+)/.exec(output);
		return m ? Number(m[1]) : undefined;
	};
	// strace's lines ("[pid n] call(...) = r") and the server's own stderr share the pipe.
	const isTrace = (l: string) => /^(\[pid\s+\d+\]\s+)?([a-z_0-9]+\(|<\.\.\. )/.test(l);
	const lines = () => stderr.split('\n');
	return {
		child,
		...ready,
		// Node's own inspector banner (the audit's harness, naming its loopback port) is not server output.
		output: () => `${output}\n${lines().filter((l) => !isTrace(l) && !INSPECTOR_BANNER.test(l)).join('\n')}`,
		trace: () => lines().filter(isTrace).join('\n'),
		pid,
		sipPort: () => Number(/SIP dial-in on udp port (\d+)/.exec(stderr)?.[1] ?? 0),
	};
}

const SIP_ENV = {
	SIP_ENABLED: 'true', SIP_PORT: '0', SIP_LISTEN_IP: '127.0.0.1', SIP_DIAL_IN_NUMBER: '+49 30 9870000',
	SIP_RTP_LISTEN_IP: '127.0.0.1', SIP_RTP_PORT_MIN: '0', SIP_RTP_PORT_MAX: '0',
};

/** Two participants join the canary room, set up transports, chat, raise a hand, react, leave. */
async function meeting(baseUrl: string, roomId: string, names: string[], c: { chatText: string; pollQuestion: string; pollOption: string; password: string; phone?: { sipPort: number; caller: string } }, whileOpen: () => Promise<void>): Promise<void> {
	const { chatText } = c;
	const sockets: Socket[] = [];
	let pin: string | undefined;
	try {
		for (const displayName of names) {
			const s = io(baseUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
			sockets.push(s);
			const joined = await ask(s, 'join', { roomId, displayName });
			pin ??= joined.dialIn?.pin;
			await ask(s, 'setRtpCapabilities', { rtpCapabilities: joined.rtpCapabilities });
			await ask(s, 'createTransport', { direction: 'send' });
			await ask(s, 'createTransport', { direction: 'recv' });
		}
		// The first participant moderates: a poll (question and option are canaries) and a password.
		const chair = sockets[0] as Socket;
		const poll = (await ask(chair, 'createPoll', { question: c.pollQuestion, options: [c.pollOption, 'no'] })) as { id?: string };
		for (const s of sockets) await ask(s, 'vote', { pollId: poll.id, option: 0 });
		await ask(chair, 'closePoll', { pollId: poll.id });
		await ask(chair, 'setPassword', { password: c.password });
		for (const s of sockets) {
			await ask(s, 'sendChat', { text: chatText });
			await ask(s, 'setHand', { raised: true });
			await ask(s, 'sendReaction', { reaction: 'applause' });
		}
		// Bad input with canaries in it must not be kept or logged either.
		await ask(sockets[0] as Socket, 'join', { roomId, displayName: names[0] }).catch(() => undefined);
		await ask(sockets[0] as Socket, 'sendChat', { text: `${chatText}${'x'.repeat(2000)}` }).catch(() => undefined);
		let call: Promise<unknown> | undefined;
		if (c.phone && pin) {
			let phoneIn = false;
			(sockets[0] as Socket).on('participantJoined', (p: { kind: string }) => { phoneIn ||= p.kind === 'phone'; });
			call = runSipp({ xml: scenario(c.phone.caller, [{ pauseMs: 300 }, { info: `${pin}#` }, { pauseMs: 6_000 }, { hangUp: true }]), port: c.phone.sipPort, timeoutMs: 30_000 });
			const deadline = Date.now() + 20_000;
			while (!phoneIn && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
			if (!phoneIn) throw new Error('the phone caller did not join');
		}
		await whileOpen();
		await call;
		for (const s of sockets) await ask(s, 'leave', {});
	} finally {
		for (const s of sockets) s.disconnect();
	}
}

async function ask(s: Socket, event: string, payload: unknown): Promise<{ rtpCapabilities?: unknown; id?: string; dialIn?: { pin: string } | null }> {
	const ack = await s.timeout(10_000).emitWithAck(event, payload);
	if (!ack.ok) throw new Error(`${event}: ${ack.error.code}`);
	return ack.data;
}

async function waitForNoRooms(baseUrl: string): Promise<void> {
	const deadline = Date.now() + CLOSE_TIMEOUT_MS;
	while (Date.now() < deadline) {
		const text = await (await fetch(`${baseUrl}/metrics`)).text();
		if (/^plenum_rooms 0$/m.test(text) && /^plenum_media_routers 0$/m.test(text)) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error('the room did not close');
}

/** Stops the server process itself (under strace, `child` is strace, which exits after it). */
async function stop(child: ChildProcess, serverPid?: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((ok) => child.once('exit', ok));
	if (serverPid) process.kill(serverPid, 'SIGTERM');
	else child.kill('SIGTERM');
	await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5_000))]);
	if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
