import { RequestError, RoomClient } from '../RoomClient.js';
import { userMessage } from '../i18n/errorMessages.js';
import { watchQuality } from './quality.js';
import type { Reaction } from '../RoomClient.js';
import {
	breakoutMessage, chatOpen, chatLog, chatSeen, client, drainingUntil, errorCode, moderatorNotice, roomToken, devices, displayName, endReason, errorText, localCamera, localScreen, micMuted, phase, pinned, reactions, reconnecting, rev,
} from './store.js';

const REACTION_SHOW_MS = 4_000;
let reactionSeq = 0;

export interface JoinOptions {
	roomId: string;
	/** A room token from the operator's portal (`?jwt=` in the link). */
	token?: string;
	password?: string;
	name: string;
	muted: boolean;
	cameraOff: boolean;
}

/** Joins the room and publishes the chosen devices; the UI follows the store. */
export async function join(o: JoinOptions): Promise<void> {
	phase.value = 'joining';
	displayName.value = o.name;
	errorText.value = undefined;
	let c: RoomClient;
	try {
		c = await RoomClient.join(o.roomId, o.name, {
			token: o.token ?? roomToken.value,
			password: o.password,
			onLobby: () => { phase.value = 'lobby'; },
		});
	} catch (err) {
		errorCode.value = err instanceof RequestError ? err.code : undefined;
		errorText.value = userMessage(err);
		phase.value = 'prejoin';
		return;
	}
	errorCode.value = undefined;
	window.plenum = { client: c };
	client.value = c;
	const bump = () => { rev.value++; };
	for (const e of ['roomChanged', 'participantJoined', 'participantLeft', 'participantUpdated', 'trackAdded', 'trackRemoved', 'producersChanged', 'activeSpeaker', 'chat', 'handChanged'] as const) c.on(e, bump);
	c.on('moderated', (action) => {
		moderatorNotice.value = action;
		if (action === 'muted') micMuted.value = true;
		if (action === 'cameraStopped') stopTrack(localCamera);
		if (action === 'screenStopped') stopTrack(localScreen);
		rev.value++;
	});
	c.on('participantLeft', (id) => { if (pinned.value?.startsWith(`${id}:`)) pinned.value = undefined; });
	c.on('reaction', (participantId, reaction) => showReaction(participantId, reaction));
	c.on('connection', (state) => { reconnecting.value = state === 'reconnecting'; });
	// Another room of the meeting: its chat starts unread from nothing, nobody of the old room is pinned.
	c.on('moved', () => {
		chatSeen.value = 0;
		pinned.value = undefined;
		rev.value++;
	});
	c.on('breakoutMessage', (text) => { breakoutMessage.value = text; });
	// The drain notice may have come before the join finished: RoomClient keeps it.
	drainingUntil.value = c.drainingUntil;
	c.on('draining', (until) => { drainingUntil.value = until; });
	const stopQuality = watchQuality(c);
	c.on('closed', (reason) => {
		stopQuality();
		stopLocal();
		reconnecting.value = false;
		drainingUntil.value = undefined;
		client.value = undefined;
		endReason.value = reason;
		phase.value = 'ended';
	});
	phase.value = 'meeting';
	micMuted.value = o.muted;
	await startMic(c, o.muted);
	if (!o.cameraOff) await startCamera(c);
}

async function startMic(c: RoomClient, muted: boolean): Promise<void> {
	try {
		const stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraints() });
		const track = stream.getAudioTracks()[0];
		if (track) await c.publish('mic', track, { paused: muted });
	} catch (err) {
		errorText.value = (err as Error).message;
	}
	rev.value++;
}

async function startCamera(c: RoomClient): Promise<void> {
	try {
		const stream = await navigator.mediaDevices.getUserMedia({ video: videoConstraints() });
		const track = stream.getVideoTracks()[0];
		if (!track) return;
		localCamera.value = track;
		await c.publish('camera', track);
	} catch (err) {
		errorText.value = (err as Error).message;
	}
}

export function audioConstraints(): MediaTrackConstraints {
	const id = devices.value.micId;
	return { echoCancellation: true, noiseSuppression: true, ...(id ? { deviceId: { exact: id } } : {}) };
}

export function videoConstraints(): MediaTrackConstraints {
	const id = devices.value.cameraId;
	return { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 }, ...(id ? { deviceId: { exact: id } } : {}) };
}

export async function toggleMic(): Promise<void> {
	const c = client.value;
	if (!c) return;
	if (!c.isPublishing('mic')) return startMic(c, false);
	const muted = !micMuted.value;
	micMuted.value = muted;
	await c.setMuted('mic', muted);
}

/** Push-to-talk: while muted, holding space unmutes. */
export async function setTalking(talking: boolean): Promise<void> {
	const c = client.value;
	if (!c?.isPublishing('mic')) return;
	micMuted.value = !talking;
	await c.setMuted('mic', !talking);
}

/** Camera off releases the device (its light goes out); on asks for it again. */
export async function toggleCamera(): Promise<void> {
	const c = client.value;
	if (!c) return;
	if (localCamera.value) {
		localCamera.value = undefined;
		await c.unpublish('camera');
	} else {
		await startCamera(c);
	}
}

export async function toggleScreen(): Promise<void> {
	const c = client.value;
	if (!c) return;
	if (localScreen.value) return stopScreen(c);
	try {
		// Tab audio where the browser offers it (Chromium); ignored elsewhere.
		const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: true });
		const [video] = stream.getVideoTracks();
		const [audio] = stream.getAudioTracks();
		if (!video) return;
		video.contentHint = 'detail';
		video.addEventListener('ended', () => void stopScreen(c));
		localScreen.value = video;
		await c.publish('screen', video);
		if (audio) await c.publish('screenAudio', audio);
	} catch (err) {
		if ((err as Error).name !== 'NotAllowedError') errorText.value = (err as Error).message;
	}
}

async function stopScreen(c: RoomClient): Promise<void> {
	localScreen.value = undefined;
	await c.unpublish('screen');
	await c.unpublish('screenAudio');
}

/** Switches camera or microphone during the call. */
export async function switchDevice(kind: 'camera' | 'mic', deviceId: string): Promise<void> {
	devices.value = { ...devices.value, [kind === 'camera' ? 'cameraId' : 'micId']: deviceId };
	const c = client.value;
	if (!c) return;
	if (kind === 'camera' && localCamera.value) {
		const track = (await navigator.mediaDevices.getUserMedia({ video: videoConstraints() })).getVideoTracks()[0];
		if (track) {
			await c.replaceTrack('camera', track);
			localCamera.value = track;
		}
	} else if (kind === 'mic' && c.isPublishing('mic')) {
		const track = (await navigator.mediaDevices.getUserMedia({ audio: audioConstraints() })).getAudioTracks()[0];
		if (track) await c.replaceTrack('mic', track);
	}
}

export async function toggleHand(): Promise<void> {
	const c = client.value;
	if (!c) return;
	await c.setHand(c.handRaisedAt === null);
	rev.value++;
}

export async function sendChat(text: string): Promise<void> {
	await client.value?.sendChat(text);
}

export function toggleChat(): void {
	chatOpen.value = !chatOpen.value;
	chatSeen.value = chatLog.value.length;
}

export async function react(reaction: Reaction): Promise<void> {
	await client.value?.sendReaction(reaction);
}

function showReaction(participantId: string, reaction: Reaction): void {
	const id = ++reactionSeq;
	reactions.value = [...reactions.value, { id, participantId, reaction }];
	setTimeout(() => { reactions.value = reactions.value.filter((r) => r.id !== id); }, REACTION_SHOW_MS);
}

export async function leave(): Promise<void> {
	await client.value?.leave();
}

function stopLocal(): void {
	localCamera.value?.stop();
	localScreen.value?.stop();
	localCamera.value = undefined;
	localScreen.value = undefined;
}

function stopTrack(s: typeof localCamera): void {
	s.value?.stop();
	s.value = undefined;
}

/** A moderator action from the participant list; errors show as a notice. */
export async function moderate(run: (c: RoomClient) => Promise<void>): Promise<void> {
	const c = client.value;
	if (!c) return;
	try {
		await run(c);
	} catch (err) {
		errorText.value = userMessage(err);
	}
}
