import { afterAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { type StartedServer, startServer, stopServer } from '../support/serverProcess.js';
import { ask, baseUrl, eventually, metric, rawSocket } from './helpers.js';
import { serverLogText } from './serverLog.js';

// Invariant 1: display names and room names never reach a log line or a metric.
describe('logs and metrics hold no personal data', () => {
	it('a meeting with canary names leaves no trace of them in the server log or /metrics', async () => {
		const roomId = 'Canary-Room-Qx7Zr31';
		const closedBefore = serverLogText().split('"room closed"').length;
		const names = ['Canary Name Mxq9', 'Zz Canary Person 4411'];
		const sockets = await Promise.all(names.map(() => rawSocket()));
		for (const [i, s] of sockets.entries()) {
			expect((await ask(s, 'join', { roomId, displayName: names[i] })).ok).toBe(true);
		}
		// Provoke error paths too: their log lines must be clean as well.
		await ask(sockets[0]!, 'join', { roomId, displayName: names[0] });
		await ask(sockets[0]!, 'produce', { transportId: 'x', kind: 'audio', source: 'mic', rtpParameters: {} });
		const metricsText = await (await fetch(`${baseUrl()}/metrics`)).text();
		for (const s of sockets) s.disconnect();
		await eventually(async () => (await metric('plenum_rooms')) === 0, 10_000, 'the room to close');

		// The log did record the meeting (it reaches the file through a pipe)…
		const log = await eventually(async () => {
			const text = serverLogText();
			return text.split('"room closed"').length > closedBefore && text;
		}, 5_000, 'the room closed log line');
		for (const canary of [roomId, ...names, 'Canary']) {
			expect(log).not.toContain(canary); // …without any name in it
			expect(metricsText).not.toContain(canary);
		}
		expect(log).not.toMatch(/\b127\.0\.0\.1\b/);
		expect(metricsText).not.toMatch(/\b127\.0\.0\.1\b/);
	});
});

// The same over every personal datum a meeting and its operator hand the server — names,
// room name, password, chat (with a phone number and an address), poll, a knock, tokens, the
// privacy controller — on a server of its own (the controller is start-up configuration), run
// through every path that logs: start, join, refusals, a dropped connection, leave, close.
describe('a whole meeting through a server of its own', () => {
	const PHONE = '+49 30 5550123';
	const CANARY = {
		room: 'Canary-Raum-Zq8Wv',
		names: ['Canary Erika Qx', 'Canäry Jörg Zt'],
		password: 'Canary-Passwort-Hk2',
		chat: `Canary: ruf mich an ${PHONE} oder unter 10.77.1.2`,
		poll: 'Canary Umfrage?',
		knocker: 'Canary Wartende',
		token: 'eyJhbGciOiJIUzI1NiJ9.eyJDYW5hcnkiOjF9.c2lnQ2FuYXJ5',
		controller: 'Dr. Canary Datenschutz',
		contact: `canary-dpo@amt.example, ${PHONE}`,
	};
	let server: StartedServer | undefined;
	const sockets: Socket[] = [];
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		if (server) await stopServer(server.child);
	});
	const open = async () => {
		const s = await rawSocket(server?.baseUrl);
		sockets.push(s);
		return s;
	};

	it('leaves no canary, address, token or five digits of the phone number in stdout or stderr, and the log stays useful', async () => {
		server = await startServer(undefined, { MEDIASOUP_WORKERS: '1', PRIVACY_CONTROLLER_NAME: CANARY.controller, PRIVACY_CONTROLLER_CONTACT: CANARY.contact });
		const [a, b, c, d] = [await open(), await open(), await open(), await open()];
		const ja = await ask(a, 'join', { roomId: CANARY.room, displayName: CANARY.names[0] });
		const jb = await ask(b, 'join', { roomId: CANARY.room, displayName: CANARY.names[1] });
		expect(ja.ok && jb.ok).toBe(true);
		const secrets = [ja.data.resumeToken as string, jb.data.resumeToken as string];
		expect((await ask(a, 'setPassword', { password: CANARY.password })).ok).toBe(true);
		expect((await ask(a, 'sendChat', { text: CANARY.chat })).ok).toBe(true);
		expect((await ask(a, 'createPoll', { question: CANARY.poll, options: ['Canary Ja', 'Canary Nein'] })).ok).toBe(true);
		// Refusals: wrong password, a token in open mode, media that does not exist, a bad resume.
		expect((await ask(c, 'join', { roomId: CANARY.room, displayName: CANARY.knocker, password: `${CANARY.password}-falsch` })).ok).toBe(false);
		await ask(c, 'join', { roomId: CANARY.room, displayName: CANARY.knocker, password: CANARY.password, token: CANARY.token });
		expect((await ask(a, 'produce', { transportId: 'Canary-Transport', kind: 'audio', source: 'mic', rtpParameters: {} })).ok).toBe(false);
		expect((await ask(d, 'resume', { roomId: CANARY.room, participantId: ja.data.participantId, resumeToken: 'Canary-Resume-Token' })).ok).toBe(false);
		expect((await ask(a, 'setLobby', { enabled: true })).ok).toBe(true);
		await ask(d, 'knock', { roomId: CANARY.room, displayName: CANARY.knocker, password: CANARY.password });
		// b's connection drops (kept for a resume, then gone), a leaves: the room closes.
		b.disconnect();
		expect((await ask(a, 'leave', {})).ok).toBe(true);
		for (const s of sockets) s.disconnect();
		const started = server;
		const lines = () => started.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
		await eventually(async () => lines().some((l) => l.msg === 'room closed'), 15_000, 'the room closed log line');
		// Malformed and unknown paths: express would print them (a room name in them) to stderr.
		for (const [path, code] of [[`/r/${CANARY.room}%E0%A4%A`, 'PLN_INVALID_MESSAGE'], [`/assets/${CANARY.room}-10.77.1.2.js`, 'PLN_NOT_FOUND'], [`/${CANARY.room}%ZZ`, 'PLN_NOT_FOUND']] as const) {
			const res = await fetch(`${started.baseUrl}${path}`);
			expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe(code);
		}
		const metricsText = await (await fetch(`${started.baseUrl}/metrics`)).text();
		await stopServer(started.child);

		const out = `${started.stdout()}\n${started.stderr()}`;
		const needles = ['Canary', 'Canäry', 'Erika', 'Jörg', 'Passwort', 'Umfrage', 'Wartende', 'Datenschutz', 'amt.example', 'eyJhbGci', 'c2lnQ2FuYXJ5', '10.77.1.2', '127.0.0.1', ...secrets];
		for (const needle of needles) {
			expect(out.split('\n').find((l) => l.includes(needle)), needle).toBeUndefined();
			expect(metricsText, needle).not.toContain(needle);
		}
		// Five digits of the number in a row, also across the separators a number is written
		// with ("30 55501"), in any text the server wrote (numbers such as time and pid aside,
		// which are the logger's own).
		const digits = PHONE.replace(/\D/g, '');
		const pieces = Array.from({ length: digits.length - 4 }, (_, i) => digits.slice(i, i + 5));
		const runs: string[] = [];
		const collect = (v: unknown): void => {
			if (typeof v === 'string') for (const m of v.match(/\d(?:[ ./()-]?\d)*/g) ?? []) runs.push(m.replace(/\D/g, ''));
			else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { collect(k); collect(x); }
		};
		collect(started.stderr());
		for (const l of lines()) collect(l);
		for (const piece of pieces) expect(runs.find((r) => r.includes(piece)), piece).toBeUndefined();

		// Still useful: who joined and left by id, the room by its keyed hash, the configuration.
		const all = lines();
		const joined = all.filter((l) => l.msg === 'participant joined').map((l) => l.participantId);
		expect(joined).toEqual(expect.arrayContaining([ja.data.participantId, jb.data.participantId]));
		const opened = all.find((l) => l.msg === 'room opened');
		expect(opened).toMatchObject({ worker: 0, room: expect.stringMatching(/^[a-f][0-9a-f]{11}$/) });
		expect(all.filter((l) => l.msg === 'participant joined').every((l) => l.room === opened?.room)).toBe(true);
		expect(all.find((l) => l.msg === 'participant disconnected, waiting for resume')).toMatchObject({ participantId: jb.data.participantId });
		const config = all.find((l) => l.msg === 'effective configuration')?.config;
		expect(config).toMatchObject({ PRIVACY_CONTROLLER_NAME: '[not logged]', PRIVACY_CONTROLLER_CONTACT: '[not logged]', MEDIASOUP_WORKERS: 1, RTC_LISTEN_IP: '[ip]' });
		expect(all.find((l) => l.msg === 'media worker started')).toMatchObject({ worker: 0, workerPid: expect.any(Number), port: expect.any(Number) });
	});
});
