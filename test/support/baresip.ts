import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** baresip, a real softphone, with a WAV file as microphone and a WAV file as speaker. */
export class Baresip {
	/** The folder sndfile writes into (…-dec.wav is what the phone heard). */
	readonly heardPath: string;
	readonly #child: ChildProcess;
	readonly #ctrlPort: number;

	private constructor(child: ChildProcess, heardPath: string, ctrlPort: number) {
		this.#child = child;
		this.heardPath = heardPath;
		this.#ctrlPort = ctrlPort;
	}

	/** Starts baresip as `caller` and dials `target` (a sip: URI). `micWav`: 8 kHz 16-bit mono. */
	static start(o: { caller: string; target: string; micWav: string }): Baresip {
		const dir = mkdtempSync(join(tmpdir(), 'plenum-baresip-'));
		const sipPort = 31000 + Math.floor(Math.random() * 4000);
		const ctrlPort = sipPort + 5000;
		const heardPath = dir;
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
		const child = spawn('baresip', ['-f', dir, '-e', `/dial ${o.target}`], { stdio: 'ignore' });
		return new Baresip(child, heardPath, ctrlPort);
	}

	/** Runs a menu command over ctrl_tcp (netstring JSON), e.g. ('sndcode', '123456#'). */
	async command(command: string, params = ''): Promise<void> {
		const json = JSON.stringify({ command, params, token: 't' });
		await new Promise<void>((ok, fail) => {
			const sock = net.connect(this.#ctrlPort, '127.0.0.1', () => {
				sock.write(`${Buffer.byteLength(json)}:${json},`);
				setTimeout(() => { sock.destroy(); ok(); }, 300);
			});
			sock.on('error', fail);
		});
	}

	async stop(): Promise<void> {
		if (this.#child.exitCode !== null) return;
		const exited = new Promise((ok) => this.#child.once('exit', ok));
		await this.command('quit').catch(() => {});
		await Promise.race([exited, new Promise((ok) => setTimeout(ok, 3000))]);
		if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
	}

	/** RMS (16-bit units) of what the phone heard in each `windowMs` slice. */
	heardLevels(windowMs = 500): number[] {
		const file = readdirSync(this.heardPath).find((f) => f.endsWith('-dec.wav'));
		if (!file) throw new Error(`baresip recorded nothing in ${this.heardPath}: ${readdirSync(this.heardPath).join(', ')}`);
		const wav = readFileSync(join(this.heardPath, file));
		const data = wav.indexOf('data') + 8;
		const pcm = new Int16Array(wav.buffer.slice(wav.byteOffset + data, wav.byteOffset + wav.length - ((wav.length - data) % 2)));
		const n = Math.round((8000 * windowMs) / 1000);
		const out: number[] = [];
		for (let i = 0; i + n <= pcm.length; i += n) {
			let sum = 0;
			for (let k = i; k < i + n; k++) sum += pcm[k]! * pcm[k]!;
			out.push(Math.sqrt(sum / n));
		}
		return out;
	}
}
