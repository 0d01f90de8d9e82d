import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_DEPTH, MAX_PAYLOAD_VALUES, payloadShapeProblem } from './payloadShape.js';

const nested = (depth: number): unknown => {
	let v: unknown = 1;
	for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
	return v;
};

describe('payloadShapeProblem', () => {
	it('passes real requests (rtpCapabilities-like depth) and scalars', () => {
		expect(payloadShapeProblem({ rtpCapabilities: { codecs: [{ mimeType: 'video/VP8', parameters: { x: 1 }, rtcpFeedback: [{ type: 'nack' }] }] } })).toBeUndefined();
		expect(payloadShapeProblem(undefined)).toBeUndefined();
		expect(payloadShapeProblem('x')).toBeUndefined();
		expect(payloadShapeProblem(nested(MAX_PAYLOAD_DEPTH))).toBeUndefined();
	});

	it('refuses deep nesting without recursing (30 000 levels do not overflow the stack)', () => {
		expect(payloadShapeProblem(nested(MAX_PAYLOAD_DEPTH + 1))).toMatch(/nested deeper/);
		expect(payloadShapeProblem(JSON.parse(`${'['.repeat(30_000)}${']'.repeat(30_000)}`))).toMatch(/nested deeper/);
	});

	it('refuses payloads with too many values', () => {
		expect(payloadShapeProblem({ a: new Array(MAX_PAYLOAD_VALUES).fill(0) })).toMatch(/more than/);
	});
});
