import { fromBase64, toBase64 } from 'lib0/buffer';
import { GlobalWorkerOptions, type PDFDocumentProxy, getDocument } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { LIMITS } from '../../../server/protocol/limits.js';
import type { PresentationView } from '../../../server/protocol/responses.js';
import type { RoomClient } from '../RoomClient.js';

// pdf.js parses in a worker served by Plenum itself (same origin, under the page's CSP).
GlobalWorkerOptions.workerSrc = workerUrl;

/** Parts requested at once: hides the round trip without queueing past the transfer bucket. */
const IN_FLIGHT = 4;
/** The first bytes of every PDF. */
const MAGIC = '%PDF-';
/** Files people pick that are not PDF but could be exported as one (the UI says so). */
const OFFICE = /\.(pptx?|ppsx?|odp|key|docx?|odt|rtf|xlsx?|ods|pages)$/i;

/** A refusal before or during an upload: a server error code, or ours for an Office file. */
export class UploadRefused extends Error {
	constructor(readonly code: 'PLN_NOT_A_PDF' | 'PLN_PRESENTATION_TOO_LARGE' | 'office' | string) {
		super(code);
	}
}

/** Opens PDF bytes with pdf.js: no eval (our CSP forbids it), nothing fetched from elsewhere. */
function open(data: Uint8Array): Promise<PDFDocumentProxy> {
	return getDocument({ data, isEvalSupported: false, enableXfa: false, stopAtErrors: false }).promise;
}

/**
 * Checks `file` here first (a PDF by its magic, pages counted by pdf.js), then uploads it part
 * by part; `progress` gets the fraction sent. Answers the new presentation's id.
 */
export async function uploadPdf(c: RoomClient, file: File, progress: (f: number) => void): Promise<string> {
	if (OFFICE.test(file.name)) throw new UploadRefused('office');
	const bytes = new Uint8Array(await file.arrayBuffer());
	if (new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw new UploadRefused('PLN_NOT_A_PDF');
	let pages: number;
	try {
		// pdf.js takes the buffer it is given over to its worker: count pages on a copy.
		const doc = await open(bytes.slice());
		pages = doc.numPages;
		await doc.destroy();
	} catch {
		throw new UploadRefused('PLN_NOT_A_PDF');
	}
	const started = await c.channel.request('presentationStart', { name: file.name, size: bytes.length, pages });
	const parts = Math.ceil(bytes.length / started.partBytes);
	let next = 0;
	let done = 0;
	const send = async () => {
		while (next < parts) {
			const index = next++;
			const data = toBase64(bytes.subarray(index * started.partBytes, (index + 1) * started.partBytes));
			await c.channel.request('presentationPart', { presentationId: started.presentationId, index, data });
			progress(++done / parts);
		}
	};
	await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, parts) }, send));
	return started.presentationId;
}

/** The room's PDFs in this browser: fetched when first shown, dropped when removed or at the end. */
const loaded = new Map<string, Promise<PDFDocumentProxy>>();
let loadedFor: RoomClient | undefined;

/** The presentation `p`, parsed by pdf.js; its bytes are read from the room the first time. */
export function presentation(c: RoomClient, p: PresentationView): Promise<PDFDocumentProxy> {
	if (loadedFor !== c) {
		forgetAll();
		loadedFor = c;
		c.on('closed', forgetAll);
		c.on('moved', forgetAll);
	}
	let doc = loaded.get(p.id);
	if (!doc) {
		doc = fetchParts(c, p).then(open);
		loaded.set(p.id, doc);
		doc.catch(() => loaded.delete(p.id));
	}
	return doc;
}

/** Drops the copies of presentations the room no longer holds. */
export function forgetRemoved(c: RoomClient): void {
	const held = new Set(c.presentations.map((p) => p.id));
	for (const [id, doc] of loaded) {
		if (held.has(id)) continue;
		loaded.delete(id);
		void doc.then((d) => d.destroy()).catch(() => undefined);
	}
}

function forgetAll(): void {
	for (const doc of loaded.values()) void doc.then((d) => d.destroy()).catch(() => undefined);
	loaded.clear();
}

async function fetchParts(c: RoomClient, p: PresentationView): Promise<Uint8Array> {
	const bytes = new Uint8Array(p.size);
	let next = 0;
	const read = async () => {
		while (next < p.parts) {
			const index = next++;
			const { data } = await c.channel.request('presentationRead', { presentationId: p.id, index });
			bytes.set(fromBase64(data), index * LIMITS.PRESENTATION_PART_BYTES);
		}
	};
	await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, p.parts) }, read));
	return bytes;
}
