import { afterEach, describe, expect, it, vi } from 'vitest';
import { NEEDS, type Need, type Probe, preflight, preflightMessage, unmet } from './preflight.js';

/** A machine with exactly these programs, files and modules, and Debian ffmpeg's encoders. */
function machine(o: { root?: boolean; programs?: string[]; files?: string[]; modules?: string[]; encoders?: string[] } = {}): Probe {
	return {
		isRoot: o.root ?? true,
		hasProgram: (n) => (o.programs ?? []).includes(n),
		hasFile: (p) => (o.files ?? []).includes(p),
		hasModule: (n) => (o.modules ?? []).includes(n),
		ffmpegEncoders: (names) => names.filter((n) => (o.encoders ?? ['libvpx', 'libopus']).includes(n)),
	};
}

const ALL_PROGRAMS = ['ip', 'taskset', 'renice', 'python3', 'ffmpeg', 'janus', 'sipp'];
const filesOf = (needs: Need[]) => needs.flatMap((n) => (n.kind === 'file' ? [n.path] : []));
const everything = (needs: Need[]) => machine({ programs: ALL_PROGRAMS, files: filesOf(needs), modules: ['@discordjs/opus', 'opusscript'] });

describe('bench preflight', () => {
	afterEach(() => vi.restoreAllMocks());

	it('passes a machine that has everything, for every bench command', () => {
		for (const needs of [NEEDS.media(['plenum', 'mediasoup', 'janus']), NEEDS.join(), NEEDS.sip(), NEEDS.opus(), NEEDS.soak()]) {
			expect(unmet(needs, everything(needs))).toEqual([]);
			expect(preflightMessage('npm run bench', [])).toBeUndefined();
		}
	});

	it('npm run bench without ffmpeg and janus: one line with the apt-get command for both', () => {
		const needs = NEEDS.media(['plenum', 'mediasoup', 'janus']);
		const probe = machine({ programs: ['ip', 'taskset', 'renice', 'python3'], files: filesOf(needs).filter((f) => !f.includes('janus')) });
		const missing = unmet(needs, probe);
		expect(missing.map((n) => (n.kind === 'program' ? n.name : n.kind))).toEqual(['ffmpeg', 'janus', 'file', 'file']);
		const line = preflightMessage('npm run bench', missing);
		expect(line).not.toContain('\n');
		expect(line).toBe('npm run bench: install ffmpeg (the test media), janus (the Janus system): apt-get install --no-install-recommends ffmpeg janus');
		// The encoder check waits until there is an ffmpeg to ask.
		expect(missing.some((n) => n.kind === 'encoders')).toBe(false);
	});

	it('asks for Janus only when --systems names it', () => {
		const probe = machine({ programs: ['ip', 'taskset', 'renice', 'python3', 'ffmpeg'], files: filesOf(NEEDS.media(['plenum'])) });
		expect(unmet(NEEDS.media(['plenum', 'mediasoup']), probe)).toEqual([]);
		expect(unmet(NEEDS.media(['janus']), probe).length).toBe(3);
	});

	it('without root: says to run it as root, with the same command', () => {
		const needs = NEEDS.media(['plenum', 'mediasoup']);
		const probe = { ...everything(needs), isRoot: false };
		expect(preflightMessage('npm run bench:edge', unmet(needs, probe))).toBe(
			'npm run bench:edge: needs root (a network namespace, a raw socket for ICE checks, niceness -20): run it as root, e.g. sudo npm run bench:edge',
		);
	});

	it('an ffmpeg without the VP8 or Opus encoder is named, with the package that has them', () => {
		const needs = NEEDS.media(['plenum']);
		const probe = { ...everything(needs), ffmpegEncoders: (names: string[]) => names.filter((n) => n === 'libopus') };
		const line = preflightMessage('npm run bench', unmet(needs, probe));
		expect(line).toBe('npm run bench: install an ffmpeg with libvpx and libopus (VP8 and Opus test media): apt-get install --no-install-recommends ffmpeg');
	});

	it('what npm install makes (worker, node modules) is asked of npm install, packages and root in the same line', () => {
		const worker: Need = { kind: 'file', path: '/nowhere/mediasoup-worker', fix: 'run `npm install` (it builds the mediasoup worker)', why: 'the mediasoup worker' };
		const line = preflightMessage('npm run bench:sip', [
			{ kind: 'program', name: 'sipp', pkg: 'sip-tester', why: 'the phone callers' },
			worker,
			{ kind: 'module', name: 'opusscript', why: 'WASM Opus' },
			{ kind: 'root', why: 'raw sockets' },
		]);
		expect(line).toBe('npm run bench:sip: install sipp (the phone callers): apt-get install --no-install-recommends sip-tester; '
			+ 'then the mediasoup worker, the node module opusscript (WASM Opus) missing: run `npm install` (it builds the mediasoup worker); '
			+ 'then needs root (raw sockets): run it as root, e.g. sudo npm run bench:sip');
	});

	it('preflight() prints the line and exits 1 when something is missing, and returns otherwise', () => {
		const exit = vi.spyOn(process, 'exit').mockImplementation((() => { throw new Error('exit'); }) as never);
		const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
		preflight(NEEDS.soak(), 'npm run bench:soak', everything(NEEDS.soak()));
		expect(exit).not.toHaveBeenCalled();
		expect(() => preflight(NEEDS.opus(), 'npm run bench:opus', machine())).toThrow('exit');
		expect(exit).toHaveBeenCalledWith(1);
		expect(err).toHaveBeenCalledTimes(1);
		expect(String(err.mock.calls[0]?.[0])).toMatch(/^npm run bench:opus: .*run `npm install`\n$/);
	});
});
