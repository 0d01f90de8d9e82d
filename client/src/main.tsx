import { render } from 'preact';
import { lang } from './i18n/i18n.js';
import { LIMITS } from '../../server/protocol/limits.js';
import { roomIdFromPath } from './roomLink.js';
import { join } from './state/actions.js';
import { phase, roomId, roomToken } from './state/store.js';
import { App } from './ui/App.js';
import './style.css';

// Entry points: `/` (landing), `/r/<roomId>` (pre-join), `/r/<roomId>?name=…&join=1` (join now,
// default devices: embedding and kiosks; `&mic=off`, `&camera=off` start muted / without camera).
document.documentElement.lang = lang.value;
window.plenum = { client: undefined };
const id = roomIdFromPath(location.pathname);
const params = new URLSearchParams(location.search);
const name = params.get('name')?.trim().slice(0, LIMITS.DISPLAY_NAME_MAX) ?? '';
// A token in the link (`?jwt=`) is taken into memory and dropped from the address bar and history.
const jwt = params.get('jwt');
if (jwt) {
	roomToken.value = jwt;
	params.delete('jwt');
	history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
}
if (id) {
	roomId.value = id;
	phase.value = 'prejoin';
	if (name && params.get('join') === '1') {
		void join({ roomId: id, name, muted: params.get('mic') === 'off', cameraOff: params.get('camera') === 'off' });
	}
}
render(<App />, document.getElementById('app') as HTMLElement);
