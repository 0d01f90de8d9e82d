/**
 * The zero-retention audit (invariant 1), run by `npm run privacy:audit` and by the test suite.
 *
 * Starts the compiled server (real mediasoup worker) under strace with the inspector on
 * loopback, holds a scripted meeting full of canary strings (room name, display names, chat),
 * lets everyone leave until the room is closed, and then checks that
 *   1. a heap snapshot taken after forced GCs contains no canary,
 *   2. the server and its workers opened no file for writing, renamed, removed or created none,
 *   3. stdout/stderr and /metrics never contained a canary or the participants' IP address.
 * When sipp is installed a phone caller (SIP dial-in) takes part too: no five-digit piece of the
 * caller's number may be in the heap (during the call and after), the output or /metrics. The
 * number is chosen so that nothing but a leak can put a piece of it there (numberPieces.ts).
 * A PDF is uploaded and read too: its file name is a canary; its text is inside its bytes, which
 * a heap snapshot does not hold, so the check is that no ArrayBuffer of the file's (unique) size
 * and no base64 of its text is left.
 * Nothing is written to disk: logs, trace (strace writes to a pipe we read) and snapshot stay in memory.
 */
import { randomBytes } from 'node:crypto';
import { makePdf } from '../support/makePdf.js';
import { arrayBufferSizes, base64Forms, inSnapshot, numberIn, snapshotStrings } from './heapSearch.js';
import { Inspector } from './inspector.js';
import { chooseCaller, piecesIn } from './numberPieces.js';
import { scriptedMeeting } from './scriptedMeeting.js';
import { ServerUnderAudit, installed } from './serverUnderAudit.js';
import { fileWrites } from './straceWrites.js';

export interface AuditResult {
	canaries: string[];
	heapSnapshotBytes: number;
	heapHits: string[];
	logHits: string[];
	metricsHits: string[];
	/** Files the server or its workers wrote, created, renamed or removed (strace). */
	fileWrites: string[];
	/** False when strace is not installed: the file check did not run. */
	traced: boolean;
	/** False when sipp is not installed: no phone caller took part. */
	phoned: boolean;
	/** Five-digit pieces of the caller's number found in heap, output or /metrics. */
	numberHits: string[];
	/** What was left of the uploaded PDF: an ArrayBuffer of its size, its text (plain or base64). */
	pdfHits: string[];
}

const CLOSE_TIMEOUT_MS = 15_000;
const PARTICIPANT_IP = '127.0.0.1';

export async function runAudit(say: (line: string) => void = () => undefined): Promise<AuditResult> {
	const tag = randomBytes(4).toString('hex');
	const canaries = [`CanaryRoom${tag}`, `Canary Erika ${tag}`, `Canary Jürgen ${tag}`, `canary chat ${tag} meet at the town hall`, `canary poll ${tag} budget?`, `canary option ${tag}`, `canary password ${tag}`, `canary notes ${tag} the minutes say`, `canary board ${tag} vote on Friday`, `Canary slides ${tag}.pdf`, `Canary breakout ${tag}`];
	const [roomId, nameA, nameB, chatText, pollQuestion, pollOption, password, notesText, boardText, pdfName, breakoutName] = canaries as [string, string, string, string, string, string, string, string, string, string, string];
	const pdfText = `canary pdf ${tag} closed session`;
	const traced = installed('strace', '-V');
	const phoned = installed('sipp', '-v');
	const server = await ServerUnderAudit.start({ traced, phoned });
	const numberHits = new Set<string>();
	say(`server ${server.baseUrl} (strace: ${traced ? 'on' : 'not installed, file check skipped'})`);
	const inspector = await Inspector.connect(server.inspectorUrl);
	try {
		const before = await inspector.heapSnapshot();
		// A number none of whose pieces is in the heap before the call: any piece found later is the call's.
		const taken = phoned ? piecesIn(snapshotStrings(before)) : new Set<string>();
		const pdf = pdfOfUnusedSize(pdfText, new Set(arrayBufferSizes(before)));
		const digits = phoned ? chooseCaller(taken) : '';
		const phone = phoned ? { sipPort: server.sipPort, caller: `+${digits}` } : undefined;
		const label = `…${digits.slice(-4)}`;
		if (phone) say(`phone caller ${label}: none of its five-digit pieces is among the ${taken.size} in the heap before the call`);
		await scriptedMeeting(server.baseUrl, roomId, [nameA, nameB], { chatText, pollQuestion, pollOption, password, notesText, boardText, pdf: { name: pdfName, bytes: pdf }, breakoutName, phone }, async () => {
			// Control: while the room is open the snapshot must hold the canaries, or the search is blind.
			const during = await inspector.heapSnapshot();
			// The room password is kept only as a SHA-256 digest, so even now it must not be there.
			const expected = canaries.filter((c) => c !== password);
			const seen = expected.filter((c) => inSnapshot(during, c));
			if (seen.length !== expected.length) throw new Error(`control failed: only ${seen.length} of ${expected.length} canaries found in the heap during the meeting`);
			if (inSnapshot(during, password)) throw new Error('the room password is in the heap as plain text during the meeting');
			if (!arrayBufferSizes(during).includes(pdf.length)) throw new Error('control failed: the uploaded PDF’s bytes are not in the heap during the meeting');
			if (phone) {
				if (!inSnapshot(during, label)) throw new Error('control failed: the phone caller is not in the heap during the meeting');
				// Scrubbed at the socket: not even during the call is the whole number kept.
				for (const piece of numberIn(during, digits)) numberHits.add(`heap during the call: ${piece}`);
			}
			say('control: all canaries found in the heap while the meeting runs (the password only as a digest)');
		});
		say('meeting held; waiting for the room to close');
		await waitForNoRooms(server.baseUrl);
		const metricsText = await (await fetch(`${server.baseUrl}/metrics`)).text();
		const heap = await inspector.heapSnapshot();
		inspector.close();
		say(`heap snapshot: ${(heap.length / 1e6).toFixed(1)} MB`);
		await server.stop();
		const output = server.output();
		const trace = server.trace();
		// A trace without the server's own startup opens would make the file check vacuous.
		if (traced && !trace.includes('dist/server/index.js')) throw new Error('strace recorded nothing: the file check cannot be trusted');
		say(`strace: ${trace.split('\n').length} calls recorded`);
		if (phone) {
			for (const piece of numberIn(heap, digits)) numberHits.add(`heap after: ${piece}`);
			// Output and /metrics: the whole number in any written form (timestamps hold any 5 digits).
			const forms = [phone.caller, digits, digits.slice(2), digits.slice(-9)];
			for (const f of forms) {
				if (output.includes(f)) numberHits.add(`output: ${f}`);
				if (metricsText.includes(f)) numberHits.add(`metrics: ${f}`);
			}
		}
		const pdfHits = [
			...(arrayBufferSizes(heap).includes(pdf.length) ? [`heap after: an ArrayBuffer of the PDF’s ${pdf.length} bytes`] : []),
			...[pdfText, ...base64Forms(pdfText)].filter((f) => inSnapshot(heap, f)).map((f) => `heap after: ${f}`),
			...(output.includes(pdfText) ? ['output: the PDF’s text'] : []),
		];
		return {
			phoned,
			pdfHits,
			numberHits: [...numberHits],
			canaries,
			heapSnapshotBytes: heap.length,
			heapHits: canaries.filter((c) => inSnapshot(heap, c)),
			logHits: [...canaries, PARTICIPANT_IP].filter((c) => output.includes(c)),
			metricsHits: [...canaries, PARTICIPANT_IP].filter((c) => metricsText.includes(c)),
			fileWrites: traced ? fileWrites(trace) : [],
			traced,
		};
	} finally {
		inspector.close();
		await server.stop();
	}
}

async function waitForNoRooms(baseUrl: string): Promise<void> {
	const deadline = Date.now() + CLOSE_TIMEOUT_MS;
	while (Date.now() < deadline) {
		const text = await (await fetch(`${baseUrl}/metrics`)).text();
		if (/^plenum_rooms 0$/m.test(text) && /^plenum_media_routers 0$/m.test(text)) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error('the room did not close');
}

/** A PDF holding `text` whose size no ArrayBuffer in the heap has yet (padded after its end). */
function pdfOfUnusedSize(text: string, taken: ReadonlySet<number>): Buffer {
	const pdf = makePdf([{ rgb: [0.2, 0.4, 0.8], text }]);
	for (let pad = 7; pad < 10_000; pad++) if (!taken.has(pdf.length + pad)) return Buffer.concat([pdf, Buffer.from(`%${'p'.repeat(pad - 2)}\n`)]);
	throw new Error('no unused size for the PDF');
}
