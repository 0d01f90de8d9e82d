import { describe, expect, it } from 'vitest';
import { runAudit } from '../privacy/audit.js';

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
		expect(r.pdfHits).toEqual([]);
	}, 90_000);
});
