import { useEffect, useState } from 'preact/hooks';
import { LIMITS } from '../../../server/protocol/limits.js';
import { errorMessage } from '../i18n/errorMessages.js';
import { t } from '../i18n/i18n.js';
import type { RoomClient } from '../RoomClient.js';
import { peerName } from '../state/peerName.js';
import { client, peers, rev } from '../state/store.js';
import './breakout.css';

/** Main room, or a room's index in the plan. */
type Place = 'main' | number;

/**
 * Breakout rooms: a moderator plans them (how many, names, who goes where, by hand or at
 * random, or lets people choose; how long) and starts them; while they run everyone sees the
 * rooms, who is in each and the time left, and moves with one click.
 */
export function BreakoutPanel() {
	rev.value;
	const c = client.value;
	const [problem, setProblem] = useState<string>();
	if (!c) return null;
	const run = (work: Promise<unknown>) => {
		setProblem(undefined);
		work.catch((err: { code?: string }) => setProblem(errorMessage(err.code ?? '')));
	};
	return (
		<aside id="breakout" class="panel breakout-panel" aria-labelledby="breakout-title">
			<h2 id="breakout-title">{t('breakout.title')}</h2>
			{c.breakouts ? <Running c={c} run={run} /> : c.role === 'moderator' && <Plan c={c} run={run} />}
			{problem && <p id="breakout-problem" class="problem" role="alert">{problem}</p>}
			<p class="hint">{t('breakout.gone')}</p>
		</aside>
	);
}

function Plan({ c, run }: { c: RoomClient; run: (w: Promise<unknown>) => void }) {
	const [count, setCount] = useState(2);
	const [minutes, setMinutes] = useState(15);
	const [choose, setChoose] = useState(false);
	const [names, setNames] = useState<string[]>([]);
	const [places, setPlaces] = useState<Record<string, Place>>({});
	// Everyone can be placed, phone callers too (their audio follows them).
	const others = peers.value;
	const nameOf = (i: number) => names[i]?.trim() || t('breakout.defaultName', { n: i + 1 });
	const shuffle = () => {
		const ids = others.map((p) => p.id).sort(() => Math.random() - 0.5);
		setPlaces(Object.fromEntries(ids.map((id, i) => [id, i % count])));
	};
	const start = () => {
		const rooms = Array.from({ length: count }, (_, i) => ({ name: nameOf(i), participantIds: others.filter((p) => places[p.id] === i).map((p) => p.id) }));
		run(c.channel.request('breakoutStart', { rooms, allowChoose: choose, durationSeconds: Math.round(minutes * 60) }));
	};
	return (
		<form class="breakout-plan" onSubmit={(e) => { e.preventDefault(); start(); }}>
			<label>{t('breakout.count')} <input type="number" id="breakout-count" min={LIMITS.BREAKOUTS_MIN} max={LIMITS.BREAKOUTS_MAX} value={count} onInput={(e) => setCount(Math.min(LIMITS.BREAKOUTS_MAX, Math.max(LIMITS.BREAKOUTS_MIN, Number(e.currentTarget.value) || 2)))} /></label>
			<label>{t('breakout.minutes')} <input type="number" id="breakout-minutes" min={1} max={LIMITS.BREAKOUT_SECONDS_MAX / 60} value={minutes} onInput={(e) => setMinutes(Math.max(1, Number(e.currentTarget.value) || 15))} /></label>
			<fieldset>
				<legend>{t('breakout.names')}</legend>
				{Array.from({ length: count }, (_, i) => (
					<input key={i} type="text" data-room-name={i} maxLength={LIMITS.BREAKOUT_NAME_MAX} aria-label={t('breakout.nameOf', { n: i + 1 })} placeholder={t('breakout.defaultName', { n: i + 1 })} value={names[i] ?? ''}
						onInput={(e) => { const next = [...names]; next[i] = e.currentTarget.value; setNames(next); }} />
				))}
			</fieldset>
			<fieldset>
				<legend>{t('breakout.who')}</legend>
				<button type="button" id="breakout-random" onClick={shuffle}>{t('breakout.random')}</button>
				{others.map((p) => (
					<label key={p.id} class="breakout-assign">
						<span>{peerName(p)}</span>
						<select data-assign={p.id} value={String(places[p.id] ?? 'main')} onChange={(e) => setPlaces({ ...places, [p.id]: e.currentTarget.value === 'main' ? 'main' : Number(e.currentTarget.value) })}>
							<option value="main">{t('breakout.mainRoom')}</option>
							{Array.from({ length: count }, (_, i) => <option key={i} value={String(i)}>{nameOf(i)}</option>)}
						</select>
					</label>
				))}
			</fieldset>
			<label><input type="checkbox" id="breakout-choose" checked={choose} onChange={(e) => setChoose(e.currentTarget.checked)} /> {t('breakout.choose')}</label>
			<button type="submit" id="breakout-start" class="primary">{t('breakout.start')}</button>
		</form>
	);
}

function Running({ c, run }: { c: RoomClient; run: (w: Promise<unknown>) => void }) {
	const b = c.breakouts;
	const [message, setMessage] = useState('');
	useTick();
	if (!b) return null;
	const moderating = c.role === 'moderator';
	const here = (id: string) => b.rooms.find((r) => r.id === id)?.members.some((m) => m.id === c.participantId);
	const inMain = !b.rooms.some((r) => here(r.id));
	return (
		<div class="breakout-running">
			<p id="breakout-remaining" role="timer">{t('breakout.remaining', { time: clock(c.breakoutsEndAt - Date.now()) })}</p>
			<ul id="breakout-rooms">
				{b.rooms.map((r) => (
					<li key={r.id} data-breakout={r.id}>
						<strong>{r.name}</strong> <small>{t('breakout.members', { count: r.members.length })}</small>
						{(moderating || b.allowChoose || b.assigned === r.id) && !here(r.id) && (
							<button type="button" data-breakout-join={r.id} onClick={() => run(c.channel.request('breakoutJoin', { breakoutId: r.id }))}>{t('breakout.join')}</button>
						)}
						<ul>{r.members.map((m) => <li key={m.id}>{m.name}</li>)}</ul>
					</li>
				))}
			</ul>
			{!inMain && <button type="button" id="breakout-leave" onClick={() => run(c.channel.request('breakoutJoin', { breakoutId: null }))}>{t('breakout.back')}</button>}
			{moderating && (
				<div class="breakout-moderate">
					<button type="button" id="breakout-extend" onClick={() => run(c.channel.request('breakoutExtend', { seconds: 300 }))}>{t('breakout.extend')}</button>
					<form onSubmit={(e) => { e.preventDefault(); if (message.trim()) run(c.channel.request('breakoutBroadcast', { text: message }).then(() => setMessage(''))); }}>
						<label>{t('breakout.message')} <input type="text" id="breakout-message" maxLength={LIMITS.CHAT_TEXT_MAX} value={message} onInput={(e) => setMessage(e.currentTarget.value)} /></label>
						<button type="submit" id="breakout-send">{t('breakout.send')}</button>
					</form>
					<button type="button" id="breakout-end" class="danger" onClick={() => run(c.channel.request('breakoutEnd', {}))}>{t('breakout.end')}</button>
				</div>
			)}
		</div>
	);
}

/** Re-renders every second (the countdown). */
function useTick(): void {
	const [, set] = useState(0);
	useEffect(() => {
		const timer = setInterval(() => set((n) => n + 1), 1000);
		return () => clearInterval(timer);
	}, []);
}

/** "m:ss" of `ms` (0 at least). */
export function clock(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
