import { describe, expect, it } from 'vitest';
import { runClusterAudit } from '../privacy/clusterAudit.js';

// Issue 15, behaviour 7: the audit across two nodes; its phone caller dials the second node.
describe('zero retention across a cluster', () => {
	it('across two nodes on Redis: after the room closes no key and no canary in Redis, no file written by Redis, none in the nodes’ output', async () => {
		const r = await runClusterAudit((line) => console.log(`[cluster audit] ${line}`));
		// Control: the scan sees the replicated room state while the meeting runs.
		expect(r.seenDuring).toEqual(expect.arrayContaining([r.canaries[1], r.canaries[2], r.canaries[3]]));
		expect(r.keysLeft).toEqual([]);
		expect(r.redisHits).toEqual([]);
		expect(r.redisFileWrites).toEqual([]);
		expect(r.logHits).toEqual([]);
		expect(r.phoned, 'sipp must be installed for the phone caller').toBe(true);
	}, 120_000);
});
