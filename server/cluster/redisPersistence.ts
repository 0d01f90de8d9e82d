import type { Redis } from 'ioredis';
import type { Logger } from '../observability/log.js';

/**
 * Refuses a Redis that writes to disk (issue 15: nothing kept): `save` must be empty and
 * `appendonly` no, as deploy/redis/redis.conf sets them. Where CONFIG is refused (ACL,
 * renamed command: managed Redis), warns and goes on.
 */
export async function checkNoPersistence(redis: Redis, log: Logger): Promise<void> {
	let save: string | undefined;
	let appendonly: string | undefined;
	try {
		save = configValue(await redis.config('GET', 'save'));
		appendonly = configValue(await redis.config('GET', 'appendonly'));
	} catch (err) {
		log.warn({ err }, 'cluster: Redis refused CONFIG GET; cannot check that it keeps nothing on disk (see deploy/redis/redis.conf)');
		return;
	}
	if ((save ?? '').trim() !== '' || appendonly === 'yes') {
		throw new Error(
			`Redis persists data (save "${save ?? ''}", appendonly ${appendonly ?? '?'}): Plenum keeps meetings in memory only. `
			+ 'Run Redis with save "" and appendonly no, as deploy/redis/redis.conf does.',
		);
	}
}

/** CONFIG GET answers [name, value]. */
function configValue(reply: unknown): string | undefined {
	return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
}
