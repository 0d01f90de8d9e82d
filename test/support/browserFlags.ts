/** Debian's Chromium, headless, with a fake camera, mic and screen, allowed to use loopback ICE. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--use-fake-device-for-media-stream',
	'--use-fake-ui-for-media-stream',
	'--auto-select-desktop-capture-source=Entire screen',
	'--allow-loopback-in-peer-connection',
	'--autoplay-policy=no-user-gesture-required',
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run',
];

/** Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export const FIREFOX_PREFS: Record<string, boolean | number | string> = {
	'media.navigator.streams.fake': true,
	'media.navigator.permission.disabled': true,
	// Without granted permissions Firefox gathers no 127.0.0.1 candidate.
	'permissions.default.camera': 1,
	'permissions.default.microphone': 1,
	'media.peerconnection.ice.loopback': true,
	// Headless has no audio device: a mock context keeps AudioContext and playout running.
	'media.cubeb.force_mock_context': true,
	'media.autoplay.default': 0,
};
