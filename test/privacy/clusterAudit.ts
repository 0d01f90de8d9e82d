/**
 * The zero-retention audit across a cluster (issue 15, behaviour 7): two nodes on one Redis
 * (run under strace), a scripted meeting with the audit's canaries and one participant on each
 * node (the phone caller dials the second node when sipp is installed). After the room closes,
 *   1. no key of a room or PIN is left, and no key or value in Redis (SCAN; DUMP, and each
 *      value read as text by its type) holds a canary or the caller's number,
 *   2. redis-server opened no file for writing, created, renamed or removed none,
 *   3. neither node's output held a canary or the caller's number.
 * Control: while the meeting runs, the same scan must find the names and chat in Redis (the
 * replicated room state), or the search is blind. Nothing is written to disk by the audit.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type Cluster, startCluster } from '../support/clusterNodes.js';
import { SIP_TEST_ENV, sipPortOf } from '../support/sipServer.js';
import { inSnapshot } from './heapSearch.js';
import { chooseCaller } from './numberPieces.js';
import { scriptedMeeting } from './scriptedMeeting.js';
import { installed } from './serverUnderAudit.js';
import { startTracedRedis } from './redisUnderStrace.js';
import { fileWrites } from './straceWrites.js';

export interface ClusterAuditResult {
	canaries: string[];
	/** Canaries found in Redis while the meeting ran (the control: all of names and chat). */
	seenDuring: string[];
	/** Keys of rooms or PINs still in Redis after the room closed. */
	keysLeft: string[];
	/** Canaries (and forms of the caller's number) in any Redis key or value after the close. */
	redisHits: string[];
	/** Files redis-server wrote, created, renamed or removed. */
	redisFileWrites: string[];
	/** Canaries or the caller's number in either node's output. */
	logHits: string[];
	traced: boolean;
	phoned: boolean;
}

const CLOSE_TIMEOUT_MS = 15_000;

/** Every key and its value as text: DUMP (bytes as latin1, so no byte is lost) and the value read by its type. */
export async function redisText(client: Redis): Promise<string> {
	const parts: string[] = [];
	let cursor = '0';
	do {
		const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
		cursor = next;
		for (const key of keys) {
			parts.push(key, (await client.dumpBuffer(key))?.toString('latin1') ?? '');
			const type = await client.type(key);
			const value = type === 'string' ? await client.get(key)
				: type === 'hash' ? await client.hgetall(key)
				: type === 'list' ? await client.lrange(key, 0, -1)
				: type === 'set' ? await client.smembers(key)
				: type === 'zset' ? await client.zrange(key, 0, -1)
				: type === 'stream' ? await client.xrange(key, '-', '+')
				: null;
			parts.push(typeof value === 'string' ? value : JSON.stringify(value));
		}
	} while (cursor !== '0');
	return parts.join('\n');
}

export async function runClusterAudit(say: (line: string) => void = () => undefined): Promise<ClusterAuditResult> {
	const tag = randomBytes(4).toString('hex');
	const canaries = [`CanaryRoom${tag}`, `Canary Erika ${tag}`, `Canary Jürgen ${tag}`, `canary chat ${tag} meet at the town hall`, `canary poll ${tag} budget?`, `canary option ${tag}`, `canary password ${tag}`];
	const [roomId, nameA, nameB, chatText, pollQuestion, pollOption, password] = canaries as [string, string, string, string, string, string, string];
	const traced = installed('strace', '-V');
	const phoned = installed('sipp', '-v');
	if (!traced) throw new Error('strace must be installed for the Redis file check');
	const redis = await startTracedRedis();
	let cluster: Cluster | undefined;
	try {
		const env = { ROOM_EMPTY_GRACE_MS: '200', RECONNECT_GRACE_MS: '200', LOG_LEVEL: 'trace' };
		cluster = await startCluster(2, { redis, logDir: null, env, nodeEnv: phoned ? [SIP_TEST_ENV, SIP_TEST_ENV] : [] });
		const c = cluster;
		const [n1, n2] = c.nodes as [Cluster['nodes'][number], Cluster['nodes'][number]];
		say(`nodes ${n1.baseUrl} and ${n2.baseUrl} on ${redis.url} (redis-server under strace)`);
		const digits = phoned ? chooseCaller(new Set()) : '';
		const phone = phoned ? { sipPort: sipPortOf(n2.server.stderr()), caller: `+${digits}` } : undefined;
		const numberForms = phone ? [phone.caller, digits, digits.slice(2), digits.slice(-9)] : [];
		let seenDuring: string[] = [];
		await scriptedMeeting([n1.baseUrl, n2.baseUrl], roomId, [nameA, nameB], { chatText, pollQuestion, pollOption, password, phone }, async () => {
			// The state is saved ~50 ms after each change; the last change was the chat or the call.
			const expected = [nameA, nameB, chatText];
			const deadline = Date.now() + 5_000;
			do {
				const text = await redisText(c.client);
				seenDuring = canaries.filter((x) => inSnapshot(text, x));
				if (expected.every((x) => seenDuring.includes(x))) break;
				await new Promise((r) => setTimeout(r, 100));
			} while (Date.now() < deadline);
			say(`control: ${seenDuring.length} of ${canaries.length} canaries in Redis while the meeting runs`);
		});
		say('meeting held; waiting for the room’s keys to go');
		const roomKeys = async () => [...(await c.keys('pln:room:*')), ...(await c.keys('pln:pin:*'))];
		const deadline = Date.now() + CLOSE_TIMEOUT_MS;
		while ((await roomKeys()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
		const keysLeft = await roomKeys();
		const after = await redisText(c.client);
		const redisHits = [...canaries, ...numberForms].filter((x) => inSnapshot(after, x));
		await c.stop();
		cluster = undefined;
		await redis.stop();
		const trace = redis.trace();
		// A trace without redis-server's own startup opens would make the file check vacuous.
		if (!trace.includes('ld.so.cache') && !trace.includes('libc')) throw new Error('strace recorded nothing of redis-server: the file check cannot be trusted');
		const output = c.nodes.map((n) => `${n.server.stdout()}\n${n.server.stderr()}`).join('\n');
		return {
			canaries,
			seenDuring,
			keysLeft,
			redisHits,
			redisFileWrites: fileWrites(trace),
			logHits: [...canaries, ...numberForms].filter((x) => output.includes(x)),
			traced,
			phoned,
		};
	} finally {
		await cluster?.stop();
		await redis.stop();
	}
}
