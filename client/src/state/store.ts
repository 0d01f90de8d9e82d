import { computed, signal } from '@preact/signals';
import type { ParticipantKind, Role } from '../../../server/protocol/responses.js';
import type { ChatMessage, EndReason, Reaction, RoomClient } from '../RoomClient.js';

/**
 * The one place UI state lives. The meeting itself (participants, tracks, chat) stays in
 * RoomClient; `rev` ticks on every RoomClient event and the computed views below re-read it.
 */
export type Phase = 'landing' | 'prejoin' | 'joining' | 'lobby' | 'meeting' | 'ended';

export const phase = signal<Phase>('landing');
export const roomId = signal<string | undefined>(undefined);
export const displayName = signal('');
/** A room token from the link, kept in memory only (removed from the address bar at start). */
export const roomToken = signal<string | undefined>(undefined);
/** Why the meeting ended, for the Ended screen. */
export const endReason = signal<EndReason | undefined>(undefined);
export const errorText = signal<string | undefined>(undefined);
/** The server's code for the last failed join (e.g. PLN_PASSWORD_REQUIRED shows the password field). */
export const errorCode = signal<string | undefined>(undefined);
/** True while the signalling connection is down and the client tries to resume. */
export const reconnecting = signal(false);
/** The latest moderator action on this client, shown as a notice until dismissed. */
/** Set while the server drains for a restart: the meeting goes on until it ends or until then (epoch ms). */
export const drainingUntil = signal<number | undefined>(undefined);
export const moderatorNotice = signal<'muted' | 'askedToUnmute' | 'cameraStopped' | 'screenStopped' | undefined>(undefined);

export const client = signal<RoomClient | undefined>(undefined);
/** Bumped on every RoomClient event: the views below depend on it. */
export const rev = signal(0);

/** Local devices: chosen in pre-join, switchable in the meeting. */
export const devices = signal<{ cameraId?: string; micId?: string; speakerId?: string }>({});
export const localCamera = signal<MediaStreamTrack | undefined>(undefined);
export const localScreen = signal<MediaStreamTrack | undefined>(undefined);
export const micMuted = signal(false);

export const chatOpen = signal(false);
export const peopleOpen = signal(false);
/** The shared-notes side panel (its code loads the first time it opens). */
export const notesOpen = signal(false);
/** The breakout rooms panel, and the last message a moderator sent to every room. */
export const breakoutOpen = signal(false);
export const breakoutMessage = signal<string | undefined>(undefined);
/** The presentations panel (moderators and the presenter). */
export const presentOpen = signal(false);
export const chatSeen = signal(0);
export const layout = signal<'grid' | 'speaker'>('grid');
/** A tile key ("<participantId>:camera" or ":screen") shown large, chosen by the user. */
export const pinned = signal<string | undefined>(undefined);
export const page = signal(0);
export const reactions = signal<Array<{ id: number; participantId: string; reaction: Reaction }>>([]);

export interface PeerView {
	id: string;
	displayName: string;
	kind: ParticipantKind;
	role: Role;
	invited: boolean;
	isSelf: boolean;
	handRaisedAt: number | null;
	micMuted: boolean;
	cameraOff: boolean;
	camera?: { track: MediaStreamTrack; consumerId?: string };
	screen?: { track: MediaStreamTrack; consumerId?: string };
}

/** Everyone in the meeting, this client first, then in join order. */
export const peers = computed<PeerView[]>(() => {
	rev.value;
	const c = client.value;
	if (!c) return [];
	const self: PeerView = {
		id: c.participantId,
		displayName: displayName.value,
		kind: 'browser',
		role: c.role,
		invited: false,
		isSelf: true,
		handRaisedAt: c.handRaisedAt,
		micMuted: micMuted.value || !c.isPublishing('mic'),
		cameraOff: !localCamera.value,
		camera: localCamera.value && { track: localCamera.value },
		screen: localScreen.value && { track: localScreen.value },
	};
	const producers = c.remoteProducers();
	const tracks = c.remoteTracks();
	const others = [...c.participants.values()].map((p): PeerView => {
		const live = (source: string) => producers.find((x) => x.participantId === p.id && x.source === source);
		const track = (source: string) => {
			const t = tracks.find((x) => x.participantId === p.id && x.source === source);
			return t && { track: t.track, consumerId: t.consumerId };
		};
		const mic = live('mic');
		const cam = live('camera');
		return {
			id: p.id, displayName: p.displayName, kind: p.kind, role: p.role, invited: p.invited, isSelf: false, handRaisedAt: p.handRaisedAt,
			micMuted: !mic || mic.paused, cameraOff: !cam || cam.paused, camera: track('camera'), screen: track('screen'),
		};
	});
	return [self, ...others];
});

/** Raised hands in the order they went up. */
export const hands = computed(() => peers.value.filter((p) => p.handRaisedAt !== null).sort((a, b) => (a.handRaisedAt ?? 0) - (b.handRaisedAt ?? 0)));

export const chatLog = computed<ChatMessage[]>(() => {
	rev.value;
	return [...(client.value?.chatLog ?? [])];
});
export const unread = computed(() => (chatOpen.value ? 0 : Math.max(0, chatLog.value.length - chatSeen.value)));

/** Dial-in number and PIN of this room (from the join and resume answers); null when dial-in is off. */
export const dialIn = computed(() => {
	rev.value;
	return client.value?.dialIn ?? null;
});

export const activeSpeaker = computed(() => {
	rev.value;
	return client.value?.activeSpeaker;
});

/** What the stage shows large: a pinned tile, else a screen share, else (speaker view) the speaker. */
export const stageKey = computed<string | undefined>(() => {
	if (pinned.value) return pinned.value;
	const sharing = peers.value.find((p) => p.screen);
	if (sharing) return `${sharing.id}:screen`;
	if (layout.value === 'speaker') {
		const speaker = activeSpeaker.value ?? peers.value.find((p) => !p.isSelf)?.id;
		return speaker ? `${speaker}:camera` : undefined;
	}
	return undefined;
});
