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
