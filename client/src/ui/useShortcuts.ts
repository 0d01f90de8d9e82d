import { useEffect } from 'preact/hooks';
import { setTalking, toggleCamera, toggleChat, toggleHand, toggleMic, toggleScreen } from '../state/actions.js';
import { micMuted } from '../state/store.js';

const ACTIONS: Record<string, () => unknown> = { m: toggleMic, v: toggleCamera, s: toggleScreen, h: toggleHand, c: toggleChat };

/** M, V, S, H, C toggle; holding Space while muted talks. Ignored while typing in a field. */
export function useShortcuts(): void {
	useEffect(() => {
		let pushToTalk = false;
		const typing = (e: KeyboardEvent) => e.target instanceof HTMLElement && (e.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName));
		const down = (e: KeyboardEvent) => {
			if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
			if (e.key === ' ' && !e.repeat && micMuted.value && !(e.target instanceof HTMLButtonElement)) {
				e.preventDefault();
				pushToTalk = true;
				void setTalking(true);
				return;
			}
			const action = ACTIONS[e.key.toLowerCase()];
			if (action && !e.repeat) {
				e.preventDefault();
				void action();
			}
		};
		const up = (e: KeyboardEvent) => {
			if (e.key === ' ' && pushToTalk) {
				pushToTalk = false;
				void setTalking(false);
			}
		};
		window.addEventListener('keydown', down);
		window.addEventListener('keyup', up);
		return () => {
			window.removeEventListener('keydown', down);
			window.removeEventListener('keyup', up);
		};
	}, []);
}
