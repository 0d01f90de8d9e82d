import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Json } from '../protocol/media.js';
import { keys } from './roomKey.js';
import { LEASE_TTL_MS, STATE_TTL_MS } from './types.js';

// Lua, so each check-and-set is atomic in Redis. KEYS[1] = owner key; ARGV[1] = this node.
/** Claim (or keep): free → ours; ours → renewed. */
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
/** Renew ours (re-taken if it vanished, e.g. Redis restarted empty) and refresh the state's TTL. */
const RENEW = `local v = redis.call('GET', KEYS[1])
if v ~= false and v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;
/** Failover: ours if still the dead node's (or nobody's). ARGV[3] = dead node. */
const TAKE_OVER = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[3] or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
/** Drain: to ARGV[3] only while ours. */
const HAND_OVER = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2]) return 1 end
return 0`;
/** Close: the lease and the state go, unless another node holds the room. KEYS[2] = state. */
const RELEASE = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) return 1 end
return 0`;
/** Save the state only while ours (KEYS[2] = state, ARGV[2] = JSON, ARGV[3] = TTL). */
const SAVE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;
/** PINs: KEYS[1] = pin key, ARGV[1] = room id. Claim or renew (re-taken if it vanished). */
const PIN_CLAIM = `local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
/** Drops the PIN unless its room moved: KEYS[2] = the room's owner key, ARGV[2] = this node (a hand-over keeps it). */
const PIN_RELEASE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local o = redis.call('GET', KEYS[2])
if o == false or o == ARGV[2] then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

const StateJson = z.record(z.string(), z.unknown());

/**
 * The room keys one node holds: leases, replicated state, PINs; every check-and-set in Lua.
 * Remembers what it holds so the heartbeat renews it. Owned by Cluster; errors are Redis's.
 */
export class RoomKeys {
	readonly #r: Redis;
	readonly #me: string;
	/** Rooms whose lease this node holds. */
	readonly held = new Set<string>();
	/** PIN → room id, for the PINs this node claimed. */
	readonly #pins = new Map<string, string>();

	constructor(redis: Redis, nodeId: string) {
		this.#r = redis;
		this.#me = nodeId;
	}

	async owner(roomId: string): Promise<string | undefined> {
		return (await this.#r.get(keys.owner(roomId))) ?? undefined;
	}

	async claim(roomId: string): Promise<boolean> {
		return this.#lease(roomId, await this.#eval(CLAIM, [keys.owner(roomId)], [this.#me, LEASE_TTL_MS]));
	}

	async takeOver(roomId: string, deadNodeId: string): Promise<boolean> {
		return this.#lease(roomId, await this.#eval(TAKE_OVER, [keys.owner(roomId)], [this.#me, LEASE_TTL_MS, deadNodeId]));
	}

	async handOver(roomId: string, to: string): Promise<boolean> {
		const done = await this.#eval(HAND_OVER, [keys.owner(roomId)], [this.#me, LEASE_TTL_MS, to]);
		this.held.delete(roomId);
		return done === 1;
	}

	async release(roomId: string): Promise<void> {
		this.held.delete(roomId);
		await this.#eval(RELEASE, [keys.owner(roomId), keys.state(roomId)], [this.#me]);
	}

	/** False if another node holds the room now (the state was not written). */
	async save(roomId: string, state: Json): Promise<boolean> {
		return (await this.#eval(SAVE, [keys.owner(roomId), keys.state(roomId)], [this.#me, JSON.stringify(state), STATE_TTL_MS])) === 1;
	}

	/** The saved state, or undefined if none (or not a JSON object: then `bad` is true). */
	async load(roomId: string): Promise<{ state?: Json; bad?: boolean }> {
		const text = await this.#r.get(keys.state(roomId));
		if (text === null) return {};
		try {
			const parsed = StateJson.safeParse(JSON.parse(text));
			return parsed.success ? { state: parsed.data } : { bad: true };
		} catch {
			return { bad: true };
		}
	}

	/** Renews one held lease (and its state's TTL); false if another node holds it now. */
	async renew(roomId: string): Promise<boolean> {
		return (await this.#eval(RENEW, [keys.owner(roomId), keys.state(roomId)], [this.#me, LEASE_TTL_MS, STATE_TTL_MS])) === 1;
	}

	async claimPin(pin: string, roomId: string): Promise<boolean> {
		const ok = (await this.#eval(PIN_CLAIM, [keys.pin(pin)], [roomId, STATE_TTL_MS])) === 1;
		if (ok) this.#pins.set(pin, roomId);
		return ok;
	}

	async roomOf(pin: string): Promise<string | undefined> {
		return (await this.#r.get(keys.pin(pin))) ?? undefined;
	}

	async releasePin(pin: string): Promise<void> {
		const roomId = this.#pins.get(pin);
		this.#pins.delete(pin);
		// Renewed no more from here either way; the new owner of a handed-over room renews it.
		if (roomId !== undefined) await this.#eval(PIN_RELEASE, [keys.pin(pin), keys.owner(roomId)], [roomId, this.#me]);
	}

	/** Renews every PIN this node claimed; one that another room took meanwhile is forgotten. */
	async renewPins(): Promise<void> {
		await Promise.all([...this.#pins].map(async ([pin, roomId]) => {
			if (!(await this.claimPin(pin, roomId))) this.#pins.delete(pin);
		}));
	}

	#lease(roomId: string, result: unknown): boolean {
		if (result === 1) this.held.add(roomId);
		return result === 1;
	}

	#eval(script: string, k: string[], args: Array<string | number>): Promise<unknown> {
		return this.#r.eval(script, k.length, ...k, ...args);
	}
}
