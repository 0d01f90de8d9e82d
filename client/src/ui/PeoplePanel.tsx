import { t } from '../i18n/i18n.js';
import { hands, peers } from '../state/store.js';
import { Icon } from './icons.js';

/** Everyone in the room: raised hands first (in the order they went up), mute state, phone marker. */
export function PeoplePanel() {
	return (
		<aside id="people" class="panel" aria-labelledby="people-title">
			<h2 id="people-title">{t('participants.title', { count: peers.value.length })}</h2>
			{hands.value.length > 0 && (
				<>
					<h3>{t('participants.hands')}</h3>
					<ol id="hand-queue">{hands.value.map((p) => <li key={p.id}><Icon name="hand" /> {p.isSelf ? t('meeting.you', { name: p.displayName }) : p.displayName}</li>)}</ol>
				</>
			)}
			<ul id="people-list">
				{peers.value.map((p) => (
					<li key={p.id} data-participant-id={p.id}>
						{p.kind === 'phone' && <span title={t('meeting.phone')}><Icon name="phone" /><span class="visually-hidden">{t('meeting.phone')}</span></span>}
						<span class="label">{p.isSelf ? t('meeting.you', { name: p.displayName }) : p.displayName}</span>
						{p.handRaisedAt !== null && <span title={t('meeting.handRaised')}><Icon name="hand" /><span class="visually-hidden">{t('meeting.handRaised')}</span></span>}
						{p.micMuted && <span class="muted" title={t('meeting.muted')}><Icon name="micOff" /><span class="visually-hidden">{t('meeting.muted')}</span></span>}
						{p.cameraOff && <span title={t('meeting.cameraOff')}><Icon name="camOff" /><span class="visually-hidden">{t('meeting.cameraOff')}</span></span>}
					</li>
				))}
			</ul>
		</aside>
	);
}
