import type { Reaction } from '../RoomClient.js';

/** Emoji are text: shown with the system font, nothing downloaded. */
export const REACTION_EMOJI: Record<Reaction, string> = {
	applause: '👏',
	thumbsUp: '👍',
	laugh: '😂',
	heart: '❤️',
	surprised: '😮',
};
