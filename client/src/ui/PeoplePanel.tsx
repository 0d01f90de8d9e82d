import { t } from '../i18n/i18n.js';
import { moderate } from '../state/actions.js';
import { peerLabel, peerName } from '../state/peerName.js';
import { client, hands, peers, type PeerView } from '../state/store.js';
import { Invite } from './Invite.js';
import { RoomControls } from './RoomControls.js';
import { Icon } from './icons.js';

/** Invite (link, dial-in), then everyone in the room: raised hands first (in the order they went up), mute state, phone marker; moderator tools. */
export function PeoplePanel() {
	const self = peers.value.find((p) => p.isSelf);
	const moderating = self?.role === 'moderator';
	return (
		<aside id="people" class="panel" aria-labelledby="people-title">
			<h2 id="people-title">{t('participants.title', { count: peers.value.length })}</h2>
			<Invite />
			{moderating && (
				<div class="mod-all" role="group" aria-label={t('moderation.label')}>
					<button type="button" id="mod-mute-all" onClick={() => void moderate((c) => c.moderate('muteAll'))}>{t('moderation.muteAll')}</button>
					<button type="button" id="mod-lower-hands" onClick={() => void moderate((c) => c.moderate('lowerAllHands'))}>{t('moderation.lowerHands')}</button>
					<button type="button" id="mod-end" class="danger" onClick={() => { if (confirm(t('moderation.endConfirm'))) void moderate((c) => c.moderate('endMeeting')); }}>{t('moderation.end')}</button>
				</div>
			)}
			{moderating && <RoomControls />}
			{hands.value.length > 0 && (
				<>
					<h3>{t('participants.hands')}</h3>
					<ol id="hand-queue">{hands.value.map((p) => <li key={p.id}><Icon name="hand" /> {peerLabel(p)}</li>)}</ol>
				</>
			)}
			<ul id="people-list">
				{peers.value.map((p) => (
					<li key={p.id} data-participant-id={p.id}>
						<div class="who">
							{p.kind === 'phone' && <span title={t('meeting.phone')}><Icon name="phone" /></span> /* the name says "Phone …" for screen readers */}
							<span class="label">{peerLabel(p)}</span>
							{p.role === 'moderator' && <span class="role">{t('moderation.moderator')}</span>}
							{p.handRaisedAt !== null && <span title={t('meeting.handRaised')}><Icon name="hand" /><span class="visually-hidden">{t('meeting.handRaised')}</span></span>}
							{p.micMuted && <span class="muted" title={t('meeting.muted')}><Icon name="micOff" /><span class="visually-hidden">{t('meeting.muted')}</span></span>}
							{p.cameraOff && <span title={t('meeting.cameraOff')}><Icon name="camOff" /><span class="visually-hidden">{t('meeting.cameraOff')}</span></span>}
						</div>
						{moderating && !p.isSelf && <ModeratorTools peer={p} />}
					</li>
				))}
			</ul>
		</aside>
	);
}

function ModeratorTools({ peer }: { peer: PeerView }) {
	const id = peer.id;
	const who = peerName(peer);
	// Presenting is offered only where there is something to present (the whiteboard is on).
	const c = client.value;
	const presenter = c?.features.includes('whiteboard') ? c.stage.presenter : undefined;
	return (
		<div class="mod-tools" role="group" aria-label={t('moderation.for', { name: who })}>
			{peer.micMuted
				? <button type="button" data-mod="ask-unmute" onClick={() => void moderate((c) => c.moderate('askToUnmute', id))}>{t('moderation.askUnmute')}</button>
				: <button type="button" data-mod="mute" onClick={() => void moderate((c) => c.moderate('muteParticipant', id))}>{t('moderation.mute')}</button>}
			{!peer.cameraOff && <button type="button" data-mod="stop-camera" onClick={() => void moderate((c) => c.moderate('stopVideo', id, 'camera'))}>{t('moderation.stopCamera')}</button>}
			{peer.screen && <button type="button" data-mod="stop-screen" onClick={() => void moderate((c) => c.moderate('stopVideo', id, 'screen'))}>{t('moderation.stopScreen')}</button>}
			{presenter !== undefined && peer.kind === 'browser' && peer.role !== 'moderator' && (presenter === id
				? <button type="button" data-mod="stop-presenting" onClick={() => void moderate((c) => c.channel.request('setPresenter', { participantId: null }).then(() => undefined))}>{t('moderation.stopPresenting')}</button>
				: <button type="button" data-mod="make-presenter" onClick={() => void moderate((c) => c.channel.request('setPresenter', { participantId: id }).then(() => undefined))}>{t('moderation.makePresenter')}</button>)}
			{peer.role !== 'moderator' && <button type="button" data-mod="make-moderator" onClick={() => void moderate((c) => c.moderate('makeModerator', id))}>{t('moderation.makeModerator')}</button>}
			<button type="button" data-mod="remove" class="danger" onClick={() => void moderate((c) => c.moderate('removeParticipant', id))}>{t('moderation.remove')}</button>
			{peer.invited && <button type="button" data-mod="ban" class="danger" onClick={() => void moderate((c) => c.moderate('ban', id))}>{t('moderation.ban')}</button>}
		</div>
	);
}
