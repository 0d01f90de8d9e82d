import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, baseUrl, eventually, rawSocket, uniqueRoomId } from './helpers.js';
import { serverLogLines } from './serverLog.js';

/** The shared test server's RECONNECT_GRACE_MS (test/support/serverProcess.ts). */
const RECONNECT_GRACE_MS = 1_500;

type ChildEvent = { event: string; [k: string]: unknown };

/** Starts test/integration/support/frozenClient.mjs; collects its JSON lines. */
function startFrozenClient(roomId: string): { child: ChildProcess; events: ChildEvent[]; exited: Promise<unknown> } {
	const child = spawn(process.execPath, ['test/integration/support/frozenClient.mjs', baseUrl(), roomId], { stdio: ['ignore', 'pipe', 'inherit'] });
	// Taken at once: once its connection is gone the woken process may end by itself.
	const exited = new Promise((ok) => child.once('exit', ok));
	const events: ChildEvent[] = [];
	if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => events.push(JSON.parse(l) as ChildEvent));
	return { child, events, exited };
}

const waitFor = (events: ChildEvent[], name: string, timeoutMs = 10_000) =>
	eventually(async () => events.find((e) => e.event === name), timeoutMs, `the frozen client's ${name}`);

/** Pushes one socket received, by event name. */
function inbox(socket: Socket): Array<{ event: string; data: any }> {
	const got: Array<{ event: string; data: any }> = [];
	socket.onAny((event: string, data: unknown) => got.push({ event, data }));
	return got;
}

describe('a frozen client resumes on a new connection', () => {
	const cleanup: Array<() => void> = [];
	afterEach(() => {
		for (const f of cleanup.splice(0)) f();
	});

	it('the participant stays bound to the new connection whatever the old one does later (frozen, woken, killed)', async () => {
		const roomId = uniqueRoomId('frozen');
		const watcher = await rawSocket();
		cleanup.push(() => watcher.disconnect());
		expect((await ask(watcher, 'join', { roomId, displayName: 'Watcher' })).ok).toBe(true);
		const seen = inbox(watcher);

		const { child, events, exited } = startFrozenClient(roomId);
		cleanup.push(() => child.exitCode === null && child.kill('SIGKILL'));
		const joined = await waitFor(events, 'joined');
		const participantId = String(joined.participantId);
		await eventually(async () => seen.some((p) => p.event === 'participantJoined' && p.data.id === participantId), 5_000, 'the watcher to see the join');

		// Frozen: the process stops, its TCP connection stays open and unanswered.
		child.kill('SIGSTOP');
		const resumed = await rawSocket();
		cleanup.push(() => resumed.disconnect());
		const pushes = inbox(resumed);
		const answer = await ask(resumed, 'resume', { roomId, participantId, resumeToken: joined.resumeToken });
		expect(answer.ok).toBe(true);

		// The server closes the old connection itself instead of waiting ~45 s for its ping timeout.
		await eventually(async () => serverLogLines().some((l) => l.msg === 'participant resumed on another connection, closing the old one' && l.participantId === participantId), 5_000, 'the old connection to be closed');
		const pushedAfter = async (what: string) => {
			const text = `${what} ${Date.now()}`;
			expect((await ask(watcher, 'sendChat', { text })).ok).toBe(true);
			await eventually(async () => pushes.some((p) => p.event === 'chatMessage' && p.data.text === text), 5_000, `a push on the new connection ${what}`);
		};
		await pushedAfter('after the old connection closed');

		// Absence needs a wait: longer than the grace period after which a disconnected participant leaves.
		const graceOver = Date.now() + RECONNECT_GRACE_MS + 1_000;
		await eventually(async () => Date.now() > graceOver, RECONNECT_GRACE_MS + 5_000, 'the reconnect grace period to pass');
		expect(seen.filter((p) => p.event === 'participantLeft')).toEqual([]);
		await pushedAfter('after the grace period');

		// Woken up: the old connection tries a late leave; it cannot reach the participant.
		child.kill('SIGCONT');
		await waitFor(events, 'continued');
		const late = await waitFor(events, 'lateLeave');
		expect(late.ack === undefined || (late.ack as { ok: boolean }).ok === false).toBe(true);
		expect(events.find((e) => e.event === 'disconnect')?.reason).toBe('io server disconnect');

		// Killed (if it has not ended by itself): its TCP connection ends for good; still nothing changes.
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		await exited;
		await pushedAfter('after the old process died');
		expect((await ask(resumed, 'setHand', { raised: true })).ok).toBe(true);
		expect(seen.filter((p) => p.event === 'participantLeft')).toEqual([]);
		expect(serverLogLines().filter((l) => l.msg === 'participant disconnected, waiting for resume' && l.participantId === participantId)).toEqual([]);

		// Control: a real leave on the live connection is seen.
		expect((await ask(resumed, 'leave')).ok).toBe(true);
		await eventually(async () => seen.some((p) => p.event === 'participantLeft' && p.data.participantId === participantId), 5_000, 'the watcher to see the leave');
	});
});
