import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DTMF_PCAP_DIR = '/usr/share/sip-tester';

/** One step after the call is up: DTMF by SIP INFO or RFC 4733 (sipp's pcaps), a pause, or audio. */
export type Step = { info: string } | { rfc4733: string } | { pauseMs: number } | { audio: string } | { expectBye: true } | { hangUp: true };

/** What an INVITE may carry beyond the usual: extra headers, another SDP connection line. */
export type InviteOptions = { extraHeaders?: string[]; sdpConnection?: string };

const INVITE = (caller: string, o: InviteOptions = {}) => `
  <send retrans="500"><![CDATA[
INVITE sip:plenum@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "${caller}" <sip:${caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:plenum@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:${caller}@[local_ip]:[local_port]>
Max-Forwards: 70
${(o.extraHeaders ?? []).map((h) => `${h}\n`).join('')}Content-Type: application/sdp
Content-Length: [len]

v=0
o=- 1 1 IN IP[local_ip_type] [local_ip]
s=-
${o.sdpConnection ?? 'c=IN IP[media_ip_type] [media_ip]'}
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
]]></send>`;

const INFO = (digit: string, n: number) => `
  <send><![CDATA[
INFO [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
Call-ID: [call_id]
CSeq: ${n} INFO
Contact: <sip:sipp@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/dtmf-relay
Content-Length: [len]

Signal=${digit}
Duration=160
]]></send>
  <recv response="200"/>`;

const PCAP: Record<string, string> = { '#': 'pound', '*': 'star' };

/** Builds a sipp UAC scenario: INVITE (From `caller`), the steps, and a BYE from either side. */
export function scenario(caller: string, steps: Step[], invite: InviteOptions = {}): string {
	let cseq = 2;
	const body = steps.map((s) => {
		if ('info' in s) return [...s.info].map((d) => `${INFO(d, cseq++)}\n  <pause milliseconds="120"/>`).join('');
		if ('rfc4733' in s) return [...s.rfc4733].map((d) => `\n  <nop><action><exec play_pcap_audio="${DTMF_PCAP_DIR}/dtmf_2833_${PCAP[d] ?? d}.pcap"/></action></nop>\n  <pause milliseconds="700"/>`).join('');
		if ('pauseMs' in s) return `\n  <pause milliseconds="${s.pauseMs}"/>`;
		if ('audio' in s) return `\n  <nop><action><exec rtp_stream="${s.audio},-1,0"/></action></nop>`;
		if ('expectBye' in s) return `
  <recv request="BYE" timeout="30000"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>`;
		return `
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
Call-ID: [call_id]
CSeq: ${cseq++} BYE
Contact: <sip:sipp@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200" crlf="true"/>`;
	});
	return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="plenum dial-in">${INVITE(caller, invite)}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Contact: <sip:sipp@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>${body.join('')}
</scenario>`;
}

/**
 * A scenario that expects the INVITE to be refused with `status`, and, with `warningCode`,
 * a `Warning: 399 plenum "<code>"` header (sipp fails the call when the regexp does not match).
 */
export function refusedScenario(caller: string, status: number, o: InviteOptions & { warningCode?: string } = {}): string {
	const warning = o.warningCode
		? `>\n    <action><ereg regexp="399 plenum &quot;${o.warningCode}&quot;" search_in="hdr" header="Warning:" check_it="true" assign_to="w"/></action>\n  </recv>\n  <Reference variables="w"/>`
		: '/>';
	return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="plenum refused">${INVITE(caller, o)}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="${status}"${warning}
  <send><![CDATA[
ACK sip:plenum@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
</scenario>`;
}

/**
 * Runs sipp with `xml` against the bridge: `calls` calls, `parallel` at once, from `localIp`.
 * Resolves with sipp's exit code (0: every call passed) and its output.
 */
export async function runSipp(o: { xml: string; port: number; localIp?: string; calls?: number; parallel?: number; ratePerSecond?: number; timeoutMs?: number }): Promise<{ code: number | null; output: string }> {
	const dir = mkdtempSync(join(tmpdir(), 'plenum-sipp-'));
	const file = join(dir, 'scenario.xml');
	writeFileSync(file, o.xml);
	const ip = o.localIp ?? '127.0.0.1';
	const calls = o.calls ?? 1;
	const args = ['-sf', file, `127.0.0.1:${o.port}`, '-i', ip, '-mi', ip, '-p', String(30000 + Math.floor(Math.random() * 10000)), '-mp', String(20000 + 2 * Math.floor(Math.random() * 4000)), '-m', String(calls), '-l', String(o.parallel ?? calls), '-r', String(o.ratePerSecond ?? o.parallel ?? calls), '-nostdin', '-timeout', `${Math.ceil((o.timeoutMs ?? 60_000) / 1000)}s`, '-timeout_error', '-max_recv_loops', '1000'];
	return new Promise((ok) => {
		const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
		child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
		child.once('exit', (code) => ok({ code, output: process.env.SIPP_FULL ? output : output.slice(-3000) }));
	});
}
