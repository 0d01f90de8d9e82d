import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SAMPLE_RATE = 8000;
const CTRL_CONNECT_MS = 10_000;
const COMMAND_TIMEOUT_MS = 5_000;

/** One event baresip's ctrl_tcp reports, e.g. `{ class: 'call', type: 'CALL_ESTABLISHED' }`. */
export type BaresipEvent = { class?: string; type?: string; param?: string };

/** What the phone heard in one slice of time: its RMS, and how much of it is one tone. */
export type HeardWindow = { rms: number; toneShare: number };

/**
 * baresip, a real softphone, with a WAV file as microphone and a WAV file as speaker, driven
 * over one ctrl_tcp connection: commands are answered on it and call events arrive on it, so
 * tests wait for what the phone reports instead of sleeping.
 */
export class Baresip {
	/** The folder sndfile writes into (…-dec.wav is what the phone heard). */
	readonly heardPath: string;
	readonly #child: ChildProcess;
	readonly #ctrl: net.Socket;
	readonly #events: BaresipEvent[] = [];
	readonly #waiters = new Set<() => void>();
	readonly #answers = new Map<string, (ok: boolean) => void>();
	#buffer = '';
	#token = 0;

	private constructor(child: ChildProcess, heardPath: string, ctrl: net.Socket) {
		this.#child = child;
		this.heardPath = heardPath;
		this.#ctrl = ctrl;
		ctrl.setEncoding('utf8');
		ctrl.on('data', (chunk: string) => this.#onData(chunk));
		ctrl.on('error', () => {});
	}

	/**
	 * Starts baresip as `caller`, connects to its control port, then dials `target` (a sip:
	 * URI) over it, so no event of the call is missed. `micWav`: 8 kHz 16-bit mono.
	 */
	static async start(o: { caller: string; target: string; micWav: string }): Promise<Baresip> {
		const dir = mkdtempSync(join(tmpdir(), 'plenum-baresip-'));
		const sipPort = 31000 + Math.floor(Math.random() * 4000);
		const ctrlPort = sipPort + 5000;
		writeFileSync(join(dir, 'config'), [
			'poll_method epoll',
			`sip_listen 127.0.0.1:${sipPort}`,
			// sndfile records what the phone decodes; the player itself goes nowhere (no sound card here).
			'audio_player aubridge,nowhere',
			`snd_path ${dir}`,
			`audio_source aufile,${o.micWav}`,
			'audio_alert aufile,/dev/null',
			'module_path /usr/lib/baresip/modules',
			'module g711.so',
			'module aufile.so',
			'module aubridge.so',
			'module sndfile.so',
			'module_app account.so',
			'module_app menu.so',
			'module_app ctrl_tcp.so',
			`ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
			'',
		].join('\n'));
		writeFileSync(join(dir, 'accounts'), `<sip:${o.caller}@127.0.0.1>;regint=0\n`);
		const child = spawn('baresip', ['-f', dir], { stdio: 'ignore' });
		const ctrl = await connectWithin(ctrlPort, CTRL_CONNECT_MS).catch((err: Error) => {
			child.kill('SIGKILL');
			throw err;
		});
		const phone = new Baresip(child, dir, ctrl);
		await phone.command('dial', o.target);
		return phone;
	}

	/** Runs a menu command (netstring JSON), e.g. ('sndcode', '123456#'), and waits for its answer. */
	async command(command: string, params = ''): Promise<void> {
		const token = `t${this.#token++}`;
		const json = JSON.stringify({ command, params, token });
		const answered = new Promise<boolean>((ok, fail) => {
			const timer = setTimeout(() => fail(new Error(`baresip did not answer ${command}`)), COMMAND_TIMEOUT_MS);
			this.#answers.set(token, (v) => { clearTimeout(timer); ok(v); });
		});
		this.#ctrl.write(`${Buffer.byteLength(json)}:${json},`);
		if (!(await answered)) throw new Error(`baresip refused ${command}`);
	}

	/** Resolves with the first event (already seen or still to come) that `match` accepts. */
	async event(match: (e: BaresipEvent) => boolean, timeoutMs: number, what: string): Promise<BaresipEvent> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const seen = this.#events.find(match);
			if (seen) return seen;
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`baresip: timed out waiting for ${what}; events: ${this.#events.map((e) => e.type).join(', ')}`);
			await new Promise<void>((ok) => {
				const wake = () => { clearTimeout(timer); this.#waiters.delete(wake); ok(); };
				const timer = setTimeout(wake, left);
				this.#waiters.add(wake);
			});
		}
	}

	// ctrl_tcp speaks netstrings: `<length>:<json>,`; answers carry our token, events `event: true`.
	#onData(chunk: string): void {
		this.#buffer += chunk;
		for (;;) {
			const colon = this.#buffer.indexOf(':');
			if (colon < 0) return;
			const length = Number(this.#buffer.slice(0, colon));
			const end = colon + 1 + length;
			if (!Number.isFinite(length) || this.#buffer.length < end + 1) return;
			const body = this.#buffer.slice(colon + 1, end);
			this.#buffer = this.#buffer.slice(end + 1);
			let msg: { event?: boolean; response?: boolean; ok?: boolean; token?: string } & BaresipEvent;
			try {
				msg = JSON.parse(body);
			} catch {
				continue;
			}
			if (msg.response && msg.token) this.#answers.get(msg.token)?.(msg.ok !== false);
			if (msg.event) {
				this.#events.push({ class: msg.class, type: msg.type, param: msg.param });
				for (const wake of [...this.#waiters]) wake();
			}
		}
	}

	async stop(): Promise<void> {
		if (this.#child.exitCode === null) {
			const exited = new Promise((ok) => this.#child.once('exit', ok));
			await this.command('quit').catch(() => {});
			await Promise.race([exited, new Promise((ok) => setTimeout(ok, 3000))]);
			if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
		}
		this.#ctrl.destroy();
	}

	/** The 8 kHz samples the phone heard so far (sndfile writes them as the call goes). */
	#heard(): Int16Array {
		const file = readdirSync(this.heardPath).find((f) => f.endsWith('-dec.wav'));
		if (!file) throw new Error(`baresip recorded nothing in ${this.heardPath}: ${readdirSync(this.heardPath).join(', ')}`);
		const wav = readFileSync(join(this.heardPath, file));
		const data = wav.indexOf('data') + 8;
		return new Int16Array(wav.buffer.slice(wav.byteOffset + data, wav.byteOffset + wav.length - ((wav.length - data) % 2)));
	}

	/**
	 * Each `windowMs` slice of what the phone heard: its RMS (16-bit units), and the share of its power at
	 * `toneHz` (Goertzel; about 1 for a pure tone, small for speech such as the prompts).
	 */
	heardWindows(windowMs: number, toneHz: number): HeardWindow[] {
		const pcm = this.#heard();
		const n = Math.round((SAMPLE_RATE * windowMs) / 1000);
		const coeff = 2 * Math.cos((2 * Math.PI * toneHz) / SAMPLE_RATE);
		const out: HeardWindow[] = [];
		for (let i = 0; i + n <= pcm.length; i += n) {
			let sum = 0;
			let s1 = 0;
			let s2 = 0;
			for (let k = i; k < i + n; k++) {
				const x = pcm[k] ?? 0;
				sum += x * x;
				const s0 = x + coeff * s1 - s2;
				s2 = s1;
				s1 = s0;
			}
			const tonePower = s1 * s1 + s2 * s2 - coeff * s1 * s2; // |X(f)|²
			out.push({ rms: Math.sqrt(sum / n), toneShare: sum > 0 ? (2 * tonePower) / (n * sum) : 0 });
		}
		return out;
	}
}

async function connectWithin(port: number, timeoutMs: number): Promise<net.Socket> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await new Promise<net.Socket>((ok, fail) => {
				const sock = net.connect(port, '127.0.0.1', () => ok(sock));
				sock.once('error', fail);
			});
		} catch (err) {
			if (Date.now() > deadline) throw new Error(`baresip's control port ${port} did not open: ${String(err)}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
}
