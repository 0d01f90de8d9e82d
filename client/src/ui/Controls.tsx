import { useState } from 'preact/hooks';
import { REACTIONS } from '../../../server/protocol/limits.js';
import { t } from '../i18n/i18n.js';
import { leave, react, switchDevice, toggleCamera, toggleChat, toggleHand, toggleMic, toggleScreen } from '../state/actions.js';
import { breakoutOpen, chatOpen, client, devices, layout, localCamera, localScreen, micMuted, notesOpen, peers, peopleOpen, presentOpen, rev, unread } from '../state/store.js';
import { DevicePicker } from './DevicePicker.js';
import { Icon, type IconName } from './icons.js';
import { REACTION_EMOJI } from './reactions.js';

/** The toolbar at the bottom, in Jitsi/BBB order: media, share, hand, reactions, chat, people, leave. */
export function Controls() {
	rev.value;
	const [menu, setMenu] = useState<'reactions' | 'devices' | undefined>();
	const handUp = client.value?.handRaisedAt != null;
	const micOn = !micMuted.value && !!client.value?.isPublishing('mic');
	const c = client.value;
	const presenting = !!c && (c.role === 'moderator' || c.stage.presenter === c.participantId);
	const boardShown = c?.stage.shown.kind === 'board';
	return (
		<nav id="controls" aria-label={t('controls.label')} title={t('shortcuts.title')}>
			<ToolButton id="btn-mic" label={micOn ? t('controls.mute') : t('controls.unmute')} icon={micOn ? 'mic' : 'micOff'} pressed={!micOn} off={!micOn} onClick={toggleMic} />
			<ToolButton id="btn-cam" label={localCamera.value ? t('controls.cameraOff') : t('controls.cameraOn')} icon={localCamera.value ? 'cam' : 'camOff'} pressed={!localCamera.value} off={!localCamera.value} onClick={toggleCamera} />
			<ToolButton id="btn-screen" label={localScreen.value ? t('controls.stopShare') : t('controls.share')} icon="screen" pressed={!!localScreen.value} onClick={toggleScreen} />
			<ToolButton id="btn-hand" label={handUp ? t('controls.lowerHand') : t('controls.raiseHand')} icon="hand" pressed={handUp} onClick={toggleHand} />
			<div class="menu-wrap">
				<button type="button" id="btn-reactions" aria-expanded={menu === 'reactions'} aria-label={t('controls.reactions')} title={t('controls.reactions')} onClick={() => setMenu(menu === 'reactions' ? undefined : 'reactions')}>
					<Icon name="smile" />
				</button>
				{menu === 'reactions' && (
					<div class="menu" role="group" aria-label={t('controls.reactions')}>
						{REACTIONS.map((r) => (
							<button type="button" key={r} data-reaction={r} aria-label={t(`reaction.${r}`)} onClick={() => { void react(r); setMenu(undefined); }}>{REACTION_EMOJI[r]}</button>
						))}
					</div>
				)}
			</div>
			<button type="button" id="btn-chat" aria-pressed={chatOpen.value} aria-label={unread.value ? `${t('controls.chat')}, ${t('chat.unread', { count: unread.value })}` : t('controls.chat')} title={t('controls.chat')} onClick={toggleChat}>
				<Icon name="chat" />
				{unread.value > 0 && <span class="unread" aria-hidden="true">{unread.value}</span>}
			</button>
			<button type="button" id="btn-people" aria-pressed={peopleOpen.value} title={t('controls.participants')} onClick={() => { peopleOpen.value = !peopleOpen.value; }}>
				<Icon name="people" /><span class="visually-hidden">{t('controls.participants')} </span><span class="count">{peers.value.length}</span>
			</button>
			{presenting && c.features.includes('whiteboard') && (
				<button type="button" id="btn-board" aria-pressed={boardShown} aria-label={t('controls.board')} title={t('controls.board')} onClick={() => void c?.channel.request('setStage', { shown: boardShown ? { kind: 'none' } : { kind: 'board', board: 0 } }).catch(() => undefined)}>
					<Icon name="board" />
				</button>
			)}
			{presenting && c.features.includes('presentation') && (
				<button type="button" id="btn-present" aria-pressed={presentOpen.value} aria-label={t('controls.present')} title={t('controls.present')} onClick={() => { presentOpen.value = !presentOpen.value; }}>
					<Icon name="slides" />
				</button>
			)}
			{(c?.role === 'moderator' || c?.breakouts) && (
				<button type="button" id="btn-breakout" aria-pressed={breakoutOpen.value} aria-label={t('controls.breakout')} title={t('controls.breakout')} onClick={() => { breakoutOpen.value = !breakoutOpen.value; }}>
					<Icon name="breakout" />
				</button>
			)}
			{c?.features.includes('notes') && (
				<button type="button" id="btn-notes" aria-pressed={notesOpen.value} aria-label={t('controls.notes')} title={t('controls.notes')} onClick={() => { notesOpen.value = !notesOpen.value; }}>
					<Icon name="notes" />
				</button>
			)}
			<button type="button" id="btn-layout" aria-label={t('controls.layout')} title={t('controls.layout')} onClick={() => { layout.value = layout.value === 'grid' ? 'speaker' : 'grid'; }}>
				<Icon name="layout" />
			</button>
			<div class="menu-wrap">
				<button type="button" id="btn-devices" aria-expanded={menu === 'devices'} aria-label={t('controls.settings')} title={t('controls.settings')} onClick={() => setMenu(menu === 'devices' ? undefined : 'devices')}>
					<Icon name="settings" />
				</button>
				{menu === 'devices' && (
					<div class="menu devices" role="group" aria-label={t('controls.settings')}>
						<DevicePicker kind="videoinput" value={devices.value.cameraId} onChange={(id) => void switchDevice('camera', id)} />
						<DevicePicker kind="audioinput" value={devices.value.micId} onChange={(id) => void switchDevice('mic', id)} />
						<DevicePicker kind="audiooutput" value={devices.value.speakerId} onChange={(id) => { devices.value = { ...devices.value, speakerId: id || undefined }; }} />
					</div>
				)}
			</div>
			<button type="button" id="btn-leave" class="danger" aria-label={t('controls.leave')} title={t('controls.leave')} onClick={() => void leave()}>
				<Icon name="leave" />
			</button>
		</nav>
	);
}

/** A toolbar toggle: icon only, its label read out and shown as tooltip; red when `off`. */
function ToolButton(p: { id: string; label: string; icon: IconName; pressed: boolean; off?: boolean; onClick: () => unknown }) {
	return (
		<button type="button" id={p.id} class={p.off ? 'off' : ''} aria-pressed={p.pressed} aria-label={p.label} title={p.label} onClick={() => void p.onClick()}>
			<Icon name={p.icon} />
		</button>
	);
}
