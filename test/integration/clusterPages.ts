import type { Page } from 'playwright-core';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { type InboundStat, eventually } from './helpers.js';

/** A participant's page in Chromium (playwright) or Firefox (puppeteer): both evaluate the same way. */
export type AnyPage = Page | FirefoxPage;

const evaluate = <T>(page: AnyPage, fn: () => T | Promise<T>): Promise<T> => (page as Page).evaluate(fn);

export const statsOf = (page: AnyPage): Promise<InboundStat[]> => evaluate(page, () => window.plenum?.client?.inboundStats() ?? Promise.resolve([]));
export const idOf = (page: AnyPage): Promise<string | undefined> => evaluate(page, () => window.plenum?.client?.participantId);

/** Counts of what `page` decoded from each participant: camera frames and mic samples. */
export async function decodedFrom(page: AnyPage): Promise<Map<string, { frames: number; samples: number }>> {
	const out = new Map<string, { frames: number; samples: number }>();
	for (const s of await statsOf(page)) {
		const cur = out.get(s.participantId) ?? { frames: 0, samples: 0 };
		if (s.source === 'camera') cur.frames = Math.max(cur.frames, s.framesDecoded);
		if (s.source === 'mic') cur.samples = Math.max(cur.samples, s.totalSamplesReceived);
		out.set(s.participantId, cur);
	}
	return out;
}

/**
 * Whether `page` decodes every one of `others` now: camera frames and mic samples both rise
 * between two reads `gapMs` apart (counts from a dead consumer stand still).
 */
export async function decodesNow(page: AnyPage, others: string[], gapMs = 400): Promise<boolean> {
	const a = await decodedFrom(page);
	await new Promise((r) => setTimeout(r, gapMs));
	const b = await decodedFrom(page);
	return others.every((id) => {
		const x = a.get(id);
		const y = b.get(id);
		return x !== undefined && y !== undefined && y.frames > x.frames && y.samples > x.samples;
	});
}

/** Waits until `page` decodes every one of `others` (video and audio, rising). */
export function decodesAll(page: AnyPage, others: string[], timeoutMs = 30_000, who = 'a participant'): Promise<boolean> {
	return eventually(() => decodesNow(page, others), timeoutMs, `${who} to decode ${others.length} others`);
}

/** Records, in the page, every end of the meeting ('closed') and every participant seen leaving. */
export async function watchEnds(page: Page): Promise<() => Promise<{ closed: string[]; left: string[] }>> {
	await page.evaluate(() => {
		const w = window as unknown as { ends: { closed: string[]; left: string[] } };
		w.ends = { closed: [], left: [] };
		window.plenum?.client?.on('closed', (reason) => w.ends.closed.push(String(reason)));
		window.plenum?.client?.on('participantLeft', (id) => w.ends.left.push(id));
	});
	return () => page.evaluate(() => (window as unknown as { ends: { closed: string[]; left: string[] } }).ends);
}

/** Whether the page's client is connected (no "reconnecting" banner) as participant `id`. */
export async function connectedAs(page: Page, id: string): Promise<boolean> {
	return (await idOf(page)) === id && (await page.locator('#reconnecting').count()) === 0;
}
