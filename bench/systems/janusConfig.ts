import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const JANUS_LIB = '/usr/lib/x86_64-linux-gnu/janus';

/**
 * A throwaway Janus configuration: VideoRoom plugin and WebSocket API only, on 127.0.0.1,
 * full ICE (its default; the generator is ICE-lite like a mediasoup client), no session timeout.
 * Returns the config folder (pass it with -F and the janus.jcfg inside it with -C).
 */
export function writeJanusConfig(wsPort: number, rtpPorts: [number, number]): string {
	const dir = mkdtempSync(join(tmpdir(), 'plenum-bench-janus-'));
	for (const sub of ['plugins', 'transports', 'none']) mkdirSync(join(dir, sub));
	symlinkSync(`${JANUS_LIB}/plugins/libjanus_videoroom.so`, join(dir, 'plugins', 'libjanus_videoroom.so'));
	symlinkSync(`${JANUS_LIB}/transports/libjanus_websockets.so`, join(dir, 'transports', 'libjanus_websockets.so'));
	writeFileSync(join(dir, 'janus.jcfg'), `general: {
	configs_folder = "${dir}"
	plugins_folder = "${dir}/plugins"
	transports_folder = "${dir}/transports"
	events_folder = "${dir}/none"
	loggers_folder = "${dir}/none"
	debug_level = 3
	session_timeout = 0
	interface = "127.0.0.1"
}
media: {
	ipv6 = false
	rtp_port_range = "${rtpPorts[0]}-${rtpPorts[1]}"
}
nat: {
	ice_enforce_list = "lo"
	ignore_mdns = true
}
plugins: {
}
transports: {
}
events: {
	broadcast = false
}
`);
	writeFileSync(join(dir, 'janus.transport.websockets.jcfg'), `general: {
	json = "compact"
	ws = true
	ws_port = ${wsPort}
	ws_ip = "127.0.0.1"
	wss = false
}
admin: {
	admin_ws = false
	admin_wss = false
}
`);
	writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
	return dir;
}
