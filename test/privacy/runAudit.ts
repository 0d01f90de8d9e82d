/** `npm run privacy:audit`: the zero-retention audit against the compiled server (built first when stale); exit code 1 on any finding. */
import { runAudit } from './audit.js';

const r = await runAudit((line) => console.log(`[audit] ${line}`));
const findings = [
	...r.heapHits.map((c) => `heap snapshot after the room closed still holds "${c}"`),
	...r.logHits.map((c) => `server output contained "${c}"`),
	...r.numberHits.map((c) => `the phone caller's number was found (${c})`),
	...r.metricsHits.map((c) => `/metrics contained "${c}"`),
	...r.fileWrites.map((w) => `file written: ${w}`),
	...r.pdfHits.map((h) => `the uploaded PDF was left (${h})`),
];
console.log(`[audit] canaries: ${r.canaries.map((c) => JSON.stringify(c)).join(', ')}`);
console.log(`[audit] heap snapshot ${(r.heapSnapshotBytes / 1e6).toFixed(1)} MB; file trace ${r.traced ? 'on' : 'OFF (install strace)'}`);
if (findings.length > 0) {
	for (const f of findings) console.log(`[audit] FAIL ${f}`);
	process.exit(1);
}
console.log('[audit] PASS: nothing of the meeting was kept, logged, exported or written to disk');
