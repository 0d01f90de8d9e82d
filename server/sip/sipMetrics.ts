import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CallResult } from './PhoneCall.js';

/** The bridge's metrics: counts and distributions only; never a number, room or address. */
export function createSipMetrics(registry: Registry, activeCalls: () => number) {
	const calls = new Counter({
		name: 'plenum_sip_calls_total', help: 'Phone calls by how they ended: answered (joined a room), wrong_pin, rejected (not allowed), failed.',
		labelNames: ['result'], registers: [registry],
	});
	for (const result of ['answered', 'wrong_pin', 'rejected', 'failed']) calls.inc({ result }, 0);
	new Gauge({ name: 'plenum_sip_calls_active', help: 'Phone calls in progress.', registers: [registry], collect() { this.set(activeCalls()); } });
	const pinRejections = new Counter({
		name: 'plenum_sip_pin_rejections_total', help: 'PIN entries refused: wrong, or rate_limited (too many guesses).',
		labelNames: ['reason'], registers: [registry],
	});
	const loss = new Histogram({
		name: 'plenum_sip_rtp_loss_ratio', help: 'Share of RTP packets from the phone lost, per call.',
		buckets: [0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2], registers: [registry],
	});
	const jitter = new Histogram({
		name: 'plenum_sip_rtp_jitter_seconds', help: 'Interarrival jitter of RTP from the phone (RFC 3550), per call at its end.',
		buckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16], registers: [registry],
	});
	const label: Record<CallResult, string> = { answered: 'answered', wrongPin: 'wrong_pin', rejected: 'rejected', failed: 'failed' };
	return {
		callEnded(result: CallResult, rtp?: { received: number; lost: number; jitterSeconds: number }): void {
			calls.inc({ result: label[result] });
			if (rtp && rtp.received + rtp.lost > 0) {
				loss.observe(rtp.lost / (rtp.received + rtp.lost));
				jitter.observe(rtp.jitterSeconds);
			}
		},
		pinRejected(reason: 'wrong' | 'rate_limited'): void {
			pinRejections.inc({ reason });
		},
	};
}

export type SipMetrics = ReturnType<typeof createSipMetrics>;
