import { describe, expect, it } from 'vitest';
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
