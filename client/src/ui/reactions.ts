import type { Reaction } from '../../../server/protocol/limits.js';

/** Emoji are text: shown with the system font, nothing downloaded. */
export const REACTION_EMOJI: Record<Reaction, string> = {
	applause: '👏',
	thumbsUp: '👍',
	laugh: '😂',
	heart: '❤️',
	surprised: '😮',
};
