import { describe, expect, it } from 'vitest';
import { runAudit } from '../privacy/audit.js';
import { runClusterAudit } from '../privacy/clusterAudit.js';

// Invariant 1, proven on the compiled server in its own process (`npm run privacy:audit` is the
// same check). One run decides: the caller's number is chosen so that only a leak can put a
// piece of it into the heap (test/privacy/numberPieces.ts), so a finding is never retried away.
describe('zero retention', () => {
	it('after the room closes: no canary in the heap, no file written, none in output or /metrics', async () => {
		const r = await runAudit((line) => console.log(`[audit] ${line}`));
		expect(r.traced, 'strace must be installed for the file check').toBe(true);
		expect(r.heapHits).toEqual([]);
		expect(r.fileWrites).toEqual([]);
		expect(r.logHits).toEqual([]);
		expect(r.metricsHits).toEqual([]);
		expect(r.heapSnapshotBytes).toBeGreaterThan(1_000_000);
		expect(r.phoned, 'sipp must be installed for the phone caller').toBe(true);
		expect(r.numberHits).toEqual([]);
	}, 90_000);

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
