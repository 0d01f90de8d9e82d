/**
 * A loopback dial-in bridge for tests: SIP on any free UDP port of 127.0.0.1, RTP on any free
 * port, the trunk allowed from 127.0.0.1. Spread into startServer()'s env and override as needed.
 */
export const SIP_TEST_ENV: Readonly<Record<string, string>> = {
	SIP_ENABLED: 'true', SIP_PORT: '0', SIP_LISTEN_IP: '127.0.0.1', SIP_TRUNK_ALLOW: '127.0.0.1',
	SIP_DIAL_IN_NUMBER: '+49 30 9870000', SIP_RTP_LISTEN_IP: '127.0.0.1', SIP_RTP_PORT_MIN: '0', SIP_RTP_PORT_MAX: '0',
};

/** The SIP port a started server printed ("Plenum SIP dial-in on udp port N"). */
export function sipPortOf(stderr: string): number {
	return Number(/SIP dial-in on \w+ port (\d+)/.exec(stderr)?.[1]);
}
