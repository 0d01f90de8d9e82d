import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { peerName } from '../state/peerName.js';
import { breakoutOpen, chatOpen, client, drainingUntil, errorText, notesOpen, page, peers, peopleOpen, presentOpen, reactions, reconnecting, rev, stageKey, type PeerView } from '../state/store.js';
import { AudioSinks } from './AudioSinks.js';
import { BreakoutBanner } from './BreakoutBanner.js';
import { ChatPanel } from './ChatPanel.js';
import { ModeratorNotice } from './ModeratorNotice.js';
import { Polls } from './Polls.js';
import { Controls } from './Controls.js';
import { dialInText } from './Invite.js';
import { lazy } from './Lazy.js';
import { PeoplePanel } from './PeoplePanel.js';
import { REACTION_EMOJI } from './reactions.js';
import { Tile } from './Tile.js';
import { useShortcuts } from './useShortcuts.js';

/** Tiles per page (5×5; 2×2 on a phone); beyond that the grid pages and hidden tiles stop receiving. */
export const TILES_PER_PAGE = 25;
export const TILES_PER_PAGE_NARROW = 4;
const narrow = signal(matchMedia('(max-width: 700px)').matches);
matchMedia('(max-width: 700px)').addEventListener('change', (e) => { narrow.value = e.matches; });

const NotesPanel = lazy(() => import('../collab/NotesPanel.js').then((m) => m.NotesPanel));
const BoardStage = lazy(() => import('../collab/BoardStage.js').then((m) => m.BoardStage));
const BreakoutPanel = lazy(() => import('../breakout/BreakoutPanel.js').then((m) => m.BreakoutPanel));
const PresentationsPanel = lazy(() => import('../collab/PresentationsPanel.js').then((m) => m.PresentationsPanel));

type TileRef = { peer: PeerView; source: 'camera' | 'screen' };

export function Meeting() {
	useShortcuts();
	const all = peers.value;
	const tiles: TileRef[] = all.flatMap((p) => [{ peer: p, source: 'camera' as const }, ...(p.screen ? [{ peer: p, source: 'screen' as const }] : [])]);
	// A board (or presentation) on the stage puts every tile in the strip below it.
	rev.value;
	const board = (client.value?.stage.shown.kind ?? 'none') !== 'none';
	const c = client.value;
	// The panel is for who may present; it closes for someone who no longer may.
	const presenting = presentOpen.value && !!c && (c.role === 'moderator' || c.stage.presenter === c.participantId);
	const stage = stageKey.value && !board ? tiles.find((x) => `${x.peer.id}:${x.source}` === stageKey.value) : undefined;
	const rest = tiles.filter((x) => x !== stage);
	const perPage = narrow.value ? TILES_PER_PAGE_NARROW : TILES_PER_PAGE;
	const pages = Math.max(1, Math.ceil(rest.length / perPage));
	const current = Math.min(page.value, pages - 1);
	const shown = rest.slice(current * perPage, (current + 1) * perPage);
	usePauseHidden(new Set([...shown, ...(stage ? [stage] : [])].map((x) => `${x.peer.id}:${x.source}`)), tiles);

	return (
		<div class={`meeting${chatOpen.value || peopleOpen.value || notesOpen.value || presenting || breakoutOpen.value ? ' with-panel' : ''}${notesOpen.value ? ' with-notes' : ''}`}>
			<main class={`stage-area${stage || board ? ' has-stage' : ''}`}>
				<ModeratorNotice />
				<BreakoutBanner />
				<Polls />
				{drainingUntil.value !== undefined && <p id="draining" class="draining" role="status">{t('drain.banner', { time: new Date(drainingUntil.value).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) })}</p>}
				{reconnecting.value && <p id="reconnecting" class="reconnecting" role="status">{t('meeting.reconnecting')}</p>}
				{errorText.value && <p class="problem" role="alert">{errorText.value}</p>}
				{all.length === 1 && <p class="alone">{t('meeting.alone')}{dialInText() && <><br />{dialInText()}</>}</p>}
				{stage && <div class="stage"><Tile peer={stage.peer} source={stage.source} large /></div>}
				{board && <BoardStage />}
				<div id="grid" class={stage || board ? 'strip' : 'grid'} style={stage || board ? undefined : gridShape(shown.length)}>
					{shown.map((x) => <Tile key={`${x.peer.id}:${x.source}`} peer={x.peer} source={x.source} />)}
				</div>
				{pages > 1 && (
					<nav class="pager" aria-label={t('meeting.page', { page: current + 1, pages })}>
						<button type="button" disabled={current === 0} onClick={() => { page.value = current - 1; }}>{t('meeting.prevPage')}</button>
						<span>{t('meeting.page', { page: current + 1, pages })}</span>
						<button type="button" disabled={current >= pages - 1} onClick={() => { page.value = current + 1; }}>{t('meeting.nextPage')}</button>
					</nav>
				)}
				<div class="reactions" aria-live="polite">
					{reactions.value.map((r) => {
						const peer = all.find((p) => p.id === r.participantId);
						const who = peer ? peerName(peer) : '';
						return <span key={r.id} class="reaction" role="img" aria-label={`${who}: ${t(`reaction.${r.reaction}`)}`}>{REACTION_EMOJI[r.reaction]} <small>{who}</small></span>;
					})}
				</div>
			</main>
			{chatOpen.value && <ChatPanel />}
			{peopleOpen.value && <PeoplePanel />}
			{notesOpen.value && <NotesPanel />}
			{presenting && <PresentationsPanel />}
			{breakoutOpen.value && <BreakoutPanel />}
			<Controls />
			<AudioSinks />
		</div>
	);
}

/** Columns and rows for n tiles (1, 2×2, 3×3, 4×4, 5×5), as CSS variables the stylesheet sizes by. */
function gridShape(n: number): Record<string, string> {
	const cols = n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : n <= 16 ? 4 : 5;
	return { '--cols': String(cols), '--rows': String(Math.max(1, Math.ceil(n / cols))) };
}

/** Video of tiles not on screen is paused at the SFU: it costs neither bandwidth nor decoding. */
function usePauseHidden(visible: Set<string>, tiles: TileRef[]): void {
	// Re-run when what is shown changes or a consumer arrives for a tile.
	const consumers = tiles.map((x) => (x.source === 'screen' ? x.peer.screen : x.peer.camera)?.consumerId ?? '').join(',');
	const key = `${[...visible].sort().join(',')}|${consumers}`;
	useEffect(() => {
		const c = client.value;
		if (!c) return;
		for (const x of tiles) {
			const consumerId = (x.source === 'screen' ? x.peer.screen : x.peer.camera)?.consumerId;
			if (consumerId) void c.setConsumerPaused(consumerId, !visible.has(`${x.peer.id}:${x.source}`)).catch(() => undefined);
		}
	}, [key]);
}
