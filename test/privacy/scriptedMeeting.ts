import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { ask as askRaw } from '../integration/helpers.js';
import { runSipp, scenario } from '../support/sipp.js';

/** The canary texts a meeting is held with, and the phone caller when one takes part. */
export interface MeetingScript {
	chatText: string;
	pollQuestion: string;
	pollOption: string;
	password: string;
	/** Typed into the shared notes by the first participant, when given. */
	notesText?: string;
	/** A text the chair writes on the whiteboard (opened for it first). */
	boardText?: string;
	/** A PDF the chair uploads and shows; the other participant reads it. */
	pdf?: { name: string; bytes: Buffer };
	/** A breakout room the chair opens (by this name) for the other participant while `whileOpen` runs. */
	breakoutName?: string;
	phone?: { sipPort: number; caller: string };
}

const PHONE_JOIN_TIMEOUT_MS = 20_000;

/**
 * Two participants join the canary room, set up transports, run a poll, set a password, chat,
 * raise a hand, react, send bad input with canaries in it; a phone caller dials in by PIN when
 * `phone` is given. `whileOpen` runs with everyone in the room; then everyone leaves.
 * `baseUrl` may name one server per participant (a cluster: each on another node).
 */
export async function scriptedMeeting(baseUrl: string | string[], roomId: string, names: string[], c: MeetingScript, whileOpen: () => Promise<void>): Promise<void> {
	const { chatText } = c;
	const sockets: Socket[] = [];
	const ids: string[] = [];
	let pin: string | undefined;
	try {
		for (const [i, displayName] of names.entries()) {
			const url = Array.isArray(baseUrl) ? baseUrl[i % baseUrl.length] as string : baseUrl;
			const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
			sockets.push(s);
			const joined = await ask(s, 'join', { roomId, displayName });
			ids.push(joined.participantId ?? '');
			pin ??= joined.dialIn?.pin;
			await ask(s, 'setRtpCapabilities', { rtpCapabilities: joined.rtpCapabilities });
			await ask(s, 'createTransport', { direction: 'send' });
			await ask(s, 'createTransport', { direction: 'recv' });
		}
		// The first participant moderates: a poll (question and option are canaries) and a password.
		const chair = sockets[0] as Socket;
		const poll = await ask(chair, 'createPoll', { question: c.pollQuestion, options: [c.pollOption, 'no'] });
		for (const s of sockets) await ask(s, 'vote', { pollId: poll.id, option: 0 });
		await ask(chair, 'closePoll', { pollId: poll.id });
		await ask(chair, 'setPassword', { password: c.password });
		for (const s of sockets) {
			await ask(s, 'sendChat', { text: chatText });
			await ask(s, 'setHand', { raised: true });
			await ask(s, 'sendReaction', { reaction: 'applause' });
		}
		if (c.notesText) await writeNotes(chair, sockets[1] ?? chair, c.notesText);
		if (c.boardText) await writeBoard(chair, sockets[1] ?? chair, c.boardText);
		if (c.pdf) await present(chair, sockets[1] ?? chair, c.pdf);
		// Bad input with canaries in it must not be kept or logged either.
		await ask(chair, 'join', { roomId, displayName: names[0] }).catch(() => undefined);
		await ask(chair, 'sendChat', { text: `${chatText}${'x'.repeat(2000)}` }).catch(() => undefined);
		let call: Promise<unknown> | undefined;
		if (c.phone) {
			if (!pin) throw new Error('the room has no dial-in PIN');
			// Listening before the call starts; none of the three rejects, so none is left unhandled.
			const joined = new Promise<'joined'>((ok) => chair.on('participantJoined', (p: { kind: string }) => p.kind === 'phone' && ok('joined')));
			call = runSipp({ xml: scenario(c.phone.caller, [{ pauseMs: 300 }, { info: `${pin}#` }, { pauseMs: 6_000 }, { hangUp: true }]), port: c.phone.sipPort, timeoutMs: 30_000 });
			const timeout = new Promise<'timed out'>((ok) => setTimeout(() => ok('timed out'), PHONE_JOIN_TIMEOUT_MS).unref());
			const outcome = await Promise.race([joined, call.then(() => 'the call ended' as const), timeout]);
			if (outcome !== 'joined') throw new Error(`the phone caller did not join (${outcome})`);
		}
		if (c.breakoutName) await moved(sockets[1] ?? chair, () => ask(chair, 'breakoutStart', { rooms: [{ name: c.breakoutName, participantIds: [ids[1]] }, { name: 'second', participantIds: [] }], allowChoose: false, durationSeconds: 600 }));
		await whileOpen();
		if (c.breakoutName) await moved(sockets[1] ?? chair, () => ask(chair, 'breakoutEnd', {}));
		await call;
		for (const s of sockets) await ask(s, 'leave', {});
	} finally {
		for (const s of sockets) s.disconnect();
	}
}

/** `writer` types `text` into the shared notes (a paragraph, as the editor makes it); `reader` opens them. */
async function writeNotes(writer: Socket, reader: Socket, text: string): Promise<void> {
	const doc = new Y.Doc();
	const update = await new Promise<Uint8Array>((ok) => {
		doc.once('update', ok);
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText(text)]);
		doc.getXmlFragment('notes').insert(0, [p]);
	});
	await ask(writer, 'docSync', { doc: 'notes', stateVector: '' });
	await ask(writer, 'docUpdate', { doc: 'notes', update: Buffer.from(update).toString('base64') });
	await ask(reader, 'docSync', { doc: 'notes', stateVector: '' });
	doc.destroy();
}

/** `writer` opens the whiteboard and writes `text` on it, as the text tool does; `reader` opens it. */
async function writeBoard(writer: Socket, reader: Socket, text: string): Promise<void> {
	await ask(writer, 'setStage', { shown: { kind: 'board', board: 0 } });
	const doc = new Y.Doc();
	const update = await new Promise<Uint8Array>((ok) => {
		doc.once('update', ok);
		const shape = new Y.Map<unknown>();
		for (const [k, v] of Object.entries({ id: 'audit-1', page: 'board:0', tool: 'text', color: '#111111', text })) shape.set(k, v);
		const points = new Y.Array<number>();
		points.push([0.1, 0.1]);
		shape.set('points', points);
		doc.getArray('shapes').push([shape]);
	});
	await ask(writer, 'docSync', { doc: 'board', stateVector: '' });
	await ask(writer, 'docUpdate', { doc: 'board', update: Buffer.from(update).toString('base64') });
	await ask(reader, 'docSync', { doc: 'board', stateVector: '' });
	doc.destroy();
}

/** `presenter` uploads `pdf` part by part, as the browser does, and shows page 1; `viewer` reads every part. */
async function present(presenter: Socket, viewer: Socket, pdf: { name: string; bytes: Buffer }): Promise<void> {
	const started = (await ask(presenter, 'presentationStart', { name: pdf.name, size: pdf.bytes.length, pages: 1 })) as { presentationId: string; partBytes: number };
	const parts = Math.ceil(pdf.bytes.length / started.partBytes);
	for (let index = 0; index < parts; index++) {
		const data = pdf.bytes.subarray(index * started.partBytes, (index + 1) * started.partBytes).toString('base64');
		await ask(presenter, 'presentationPart', { presentationId: started.presentationId, index, data });
	}
	await ask(presenter, 'setStage', { shown: { kind: 'pdf', presentationId: started.presentationId, page: 1 } });
	for (let index = 0; index < parts; index++) await ask(viewer, 'presentationRead', { presentationId: started.presentationId, index });
}

/** Runs `act` and waits until `s` is told it moved to another room of the meeting. */
async function moved(s: Socket, act: () => Promise<unknown>): Promise<void> {
	const told = new Promise<void>((ok) => s.once('moved', () => ok()));
	await act();
	await told;
}

/** A request that must succeed: its data, or an error naming the request and the code. */
async function ask(s: Socket, event: string, payload: unknown): Promise<{ rtpCapabilities?: unknown; id?: string; participantId?: string; dialIn?: { pin: string } | null }> {
	const ack = await askRaw(s, event, payload);
	if (!ack.ok) throw new Error(`${event}: ${ack.error?.code}`);
	return ack.data;
}
