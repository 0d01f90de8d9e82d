import { Grid } from './Grid.js';
import { newRoomId, roomIdFromPath } from './roomLink.js';
import { RoomClient } from './RoomClient.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => { $('status').textContent = text; };
const show = (section: 'landing' | 'prejoin' | 'meeting') => {
	for (const s of ['landing', 'prejoin', 'meeting']) $(s).hidden = s !== section;
};

declare global {
	interface Window {
		/** For tests and debugging in the console: the current meeting's client. */
		plenum?: { client: RoomClient | undefined };
	}
}
window.plenum = { client: undefined };

function landing(): void {
	show('landing');
	$<HTMLFormElement>('landing-form').addEventListener('submit', (e) => {
		e.preventDefault();
		const name = $<HTMLInputElement>('landing-name').value.trim();
		const room = $<HTMLInputElement>('landing-room').value.trim() || newRoomId();
		location.assign(`/r/${encodeURIComponent(room)}?name=${encodeURIComponent(name)}&join=1`);
	});
}

function prejoin(roomId: string): void {
	const params = new URLSearchParams(location.search);
	const name = params.get('name') ?? '';
	$('room-link').textContent = `${location.origin}/r/${roomId}`;
	$<HTMLInputElement>('prejoin-name').value = name;
	if (name && params.get('join') === '1') return void meeting(roomId, name);
	show('prejoin');
	$<HTMLFormElement>('prejoin-form').addEventListener('submit', (e) => {
		e.preventDefault();
		void meeting(roomId, $<HTMLInputElement>('prejoin-name').value.trim());
	});
}

async function meeting(roomId: string, displayName: string): Promise<void> {
	show('meeting');
	status('Joining…');
	const grid = new Grid($('grid'));
	let client: RoomClient;
	try {
		client = await RoomClient.join(roomId, displayName);
	} catch (err) {
		return status(`Could not join: ${(err as Error).message}`);
	}
	window.plenum = { client };
	const nameOf = (pid: string) => client.participants.get(pid)?.displayName ?? '';
	client.on('trackAdded', (t) => grid.addRemote(t, nameOf(t.participantId)));
	client.on('trackRemoved', (id) => grid.removeRemote(id));
	client.on('participantJoined', (p) => grid.tile(`${p.id}:camera`, p.displayName));
	client.on('participantLeft', (pid) => grid.removeParticipant(pid));
	client.on('activeSpeaker', (pid) => grid.setSpeaking(pid));
	client.on('closed', (reason) => {
		grid.clear();
		show('prejoin');
		status(reason === 'left' ? 'You left the meeting.' : `The meeting ended (${reason}).`);
	});
	for (const p of client.participants.values()) grid.tile(`${p.id}:camera`, p.displayName);

	await startLocalMedia(client, grid, displayName);
	wireControls(client, grid, displayName);
	status('');
}

async function startLocalMedia(client: RoomClient, grid: Grid, displayName: string): Promise<void> {
	try {
		const stream = await navigator.mediaDevices.getUserMedia({
			audio: { echoCancellation: true, noiseSuppression: true },
			video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
		});
		const [audio] = stream.getAudioTracks();
		const [video] = stream.getVideoTracks();
		if (audio) await client.publish('mic', audio);
		if (video) {
			grid.showLocal('self:camera', `${displayName} (you)`, new MediaStream([video]));
			await client.publish('camera', video);
		}
	} catch (err) {
		status(`Camera or microphone unavailable: ${(err as Error).message}`);
	}
}

function wireControls(client: RoomClient, grid: Grid, displayName: string): void {
	const mic = $<HTMLButtonElement>('btn-mic');
	mic.onclick = async () => {
		const muted = !client.isMuted('mic');
		await client.setMuted('mic', muted);
		mic.textContent = muted ? 'Unmute' : 'Mute';
		mic.setAttribute('aria-pressed', String(!muted));
	};
	const cam = $<HTMLButtonElement>('btn-cam');
	cam.onclick = async () => {
		const off = !client.isMuted('camera');
		await client.setMuted('camera', off);
		cam.textContent = off ? 'Start camera' : 'Stop camera';
		cam.setAttribute('aria-pressed', String(!off));
	};
	const screen = $<HTMLButtonElement>('btn-screen');
	screen.onclick = async () => {
		if (client.isPublishing('screen')) {
			await client.unpublish('screen');
			await client.unpublish('screenAudio');
			grid.showLocal('self:screen', '', null);
		} else {
			await shareScreen(client, grid, displayName);
		}
		screen.setAttribute('aria-pressed', String(client.isPublishing('screen')));
		screen.textContent = client.isPublishing('screen') ? 'Stop sharing' : 'Share screen';
	};
	$<HTMLButtonElement>('btn-leave').onclick = () => void client.leave();
}

async function shareScreen(client: RoomClient, grid: Grid, displayName: string): Promise<void> {
	try {
		// Tab audio where the browser offers it (Chromium); ignored elsewhere.
		const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: true });
		const [video] = stream.getVideoTracks();
		const [audio] = stream.getAudioTracks();
		if (!video) return;
		video.contentHint = 'detail';
		grid.showLocal('self:screen', `${displayName} (your screen)`, new MediaStream([video]));
		await client.publish('screen', video);
		if (audio) await client.publish('screenAudio', audio);
	} catch (err) {
		status(`Screen sharing unavailable: ${(err as Error).message}`);
	}
}

const roomId = roomIdFromPath(location.pathname);
if (roomId) prejoin(roomId);
else landing();
