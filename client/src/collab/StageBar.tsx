import { LIMITS } from '../../../server/protocol/limits.js';
import type { StageShown } from '../../../server/protocol/responses.js';
import { errorMessage } from '../i18n/errorMessages.js';
import { t } from '../i18n/i18n.js';
import type { RoomClient } from '../RoomClient.js';
import { peerName } from '../state/peerName.js';
import { errorText, peers } from '../state/store.js';
import { type PageView, clampView } from './view.js';

const ZOOM_STEP = 1.5;
const PAN_STEP = 0.15;

/** For moderators and the presenter: what the stage shows, who may draw, back to the video grid. */
export function PresenterBar({ c, view }: { c: RoomClient; view: PageView }) {
	const shown = c.stage.shown;
	const show = (s: StageShown) => void c.channel.request('setStage', { shown: s }).catch((err) => { errorText.value = errorMessage(err.code); });
	const drawers = new Set(c.stage.drawers);
	const setDrawers = (everyone: boolean, ids: string[]) => void c.channel.request('setDrawing', { everyone, participantIds: ids }).catch(() => undefined);
	const whiteboard = c.features.includes('whiteboard');
	return (
		<div class="board-bar">
			{shown.kind === 'board' && <BoardPages board={shown.board} boards={c.stage.boards} show={show} />}
			{shown.kind === 'pdf' && <PdfPages shown={shown} pages={c.presentations.find((p) => p.id === shown.presentationId)?.pages ?? 1} view={view} show={show} />}
			{shown.kind === 'pdf' && whiteboard && <button type="button" id="pdf-to-board" onClick={() => show({ kind: 'board', board: 0 })}>{t('controls.board')}</button>}
			{whiteboard && (
				<>
					<label><input type="checkbox" id="board-everyone" checked={c.stage.drawEveryone} onChange={(e) => setDrawers(e.currentTarget.checked, [...drawers])} /> {t('board.everyone')}</label>
					<details class="board-drawers">
						<summary>{t('board.chooseDrawers')}</summary>
						{peers.value.filter((p) => !p.isSelf && p.kind === 'browser').map((p) => (
							<label key={p.id}><input type="checkbox" data-drawer={p.id} checked={drawers.has(p.id)} onChange={(e) => setDrawers(c.stage.drawEveryone, e.currentTarget.checked ? [...drawers, p.id] : [...drawers].filter((x) => x !== p.id))} /> {peerName(p)}</label>
						))}
					</details>
				</>
			)}
			<button type="button" id="board-close" onClick={() => show({ kind: 'none' })}>{shown.kind === 'pdf' ? t('pdf.close') : t('board.close')}</button>
		</div>
	);
}

function BoardPages({ board, boards, show }: { board: number; boards: number; show: (s: StageShown) => void }) {
	return (
		<>
			<button type="button" disabled={board === 0} onClick={() => show({ kind: 'board', board: board - 1 })}>{t('board.previous')}</button>
			<span>{t('board.which', { board: board + 1, boards })}</span>
			<button type="button" disabled={board + 1 >= boards} onClick={() => show({ kind: 'board', board: board + 1 })}>{t('board.next')}</button>
			<button type="button" id="board-new" disabled={boards >= LIMITS.BOARDS_MAX} onClick={() => show({ kind: 'board', board: boards })}>{t('board.new')}</button>
		</>
	);
}

/** The presenter's page and zoom: everyone following sees the same part of the same page. */
function PdfPages({ shown, pages, view, show }: { shown: Extract<StageShown, { kind: 'pdf' }>; pages: number; view: PageView; show: (s: StageShown) => void }) {
	const go = (page: number) => show({ kind: 'pdf', presentationId: shown.presentationId, page });
	const look = (v: PageView) => show({ kind: 'pdf', presentationId: shown.presentationId, page: shown.page, ...clampView(v, LIMITS.ZOOM_MAX) });
	const zoomed = view.zoom > 1;
	return (
		<>
			<button type="button" id="pdf-prev" disabled={shown.page <= 1} onClick={() => go(shown.page - 1)}>{t('pdf.previous')}</button>
			<span id="pdf-which">{t('pdf.which', { page: shown.page, pages })}</span>
			<button type="button" id="pdf-next" disabled={shown.page >= pages} onClick={() => go(shown.page + 1)}>{t('pdf.next')}</button>
			<span role="group" aria-label={t('pdf.zoom')}>
				<button type="button" id="pdf-zoom-out" disabled={!zoomed} onClick={() => look({ ...view, zoom: view.zoom / ZOOM_STEP })}>−<span class="visually-hidden"> {t('pdf.zoomOut')}</span></button>
				<span>{Math.round(view.zoom * 100)} %</span>
				<button type="button" id="pdf-zoom-in" disabled={view.zoom >= LIMITS.ZOOM_MAX} onClick={() => look({ ...view, zoom: view.zoom * ZOOM_STEP })}>+<span class="visually-hidden"> {t('pdf.zoomIn')}</span></button>
				{zoomed && (['left', 'up', 'down', 'right'] as const).map((d) => (
					<button type="button" key={d} data-pan={d} onClick={() => look({ ...view, x: view.x + (d === 'left' ? -PAN_STEP : d === 'right' ? PAN_STEP : 0) / view.zoom, y: view.y + (d === 'up' ? -PAN_STEP : d === 'down' ? PAN_STEP : 0) / view.zoom })}>
						{{ left: '←', up: '↑', down: '↓', right: '→' }[d]}<span class="visually-hidden"> {t(`pdf.pan.${d}`)}</span>
					</button>
				))}
			</span>
		</>
	);
}

/** A viewer's own browsing: pages back and ahead, and back to where the presenter is. */
export function ViewerBar({ page, pages, following, presenterPage, go }: { page: number; pages: number; following: boolean; presenterPage: number; go: (page: number | undefined) => void }) {
	const to = (n: number) => go(n === presenterPage ? undefined : n);
	return (
		<div class="board-bar">
			<button type="button" id="pdf-own-prev" disabled={page <= 1} onClick={() => to(page - 1)}>{t('pdf.previous')}</button>
			<span id="pdf-which">{t('pdf.which', { page, pages })}</span>
			<button type="button" id="pdf-own-next" disabled={page >= pages} onClick={() => to(page + 1)}>{t('pdf.next')}</button>
			{!following && <button type="button" id="pdf-follow" class="primary" onClick={() => go(undefined)}>{t('pdf.follow', { page: presenterPage })}</button>}
		</div>
	);
}
