/**
 * A cheap shape check run before a request's schema: how deep and how many values. The
 * schemas bound strings and sizes, but a 64 kB message can nest ~30 000 levels deep, and
 * JSON.stringify or any recursive walk over that (MediaJsonSchema's size check, mediasoup's
 * validation) overflows the stack. Real requests nest at most ~8 levels (rtpCapabilities).
 */
export const MAX_PAYLOAD_DEPTH = 16;
/** Values in one payload: rtpCapabilities with every codec and header extension is ~1 500. */
export const MAX_PAYLOAD_VALUES = 10_000;

/** Undefined if `payload` fits, else what is wrong (for the error message). Iterative: no recursion. */
export function payloadShapeProblem(payload: unknown): string | undefined {
	const stack: Array<{ v: unknown; depth: number }> = [{ v: payload, depth: 0 }];
	let values = 0;
	while (stack.length > 0) {
		const { v, depth } = stack.pop() as { v: unknown; depth: number };
		if (++values > MAX_PAYLOAD_VALUES) return `more than ${MAX_PAYLOAD_VALUES} values`;
		if (typeof v !== 'object' || v === null) continue;
		if (depth >= MAX_PAYLOAD_DEPTH) return `nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
		// Own enumerable values only (JSON has nothing else; a binary attachment is a leaf).
		if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
		for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 });
	}
	return undefined;
}
