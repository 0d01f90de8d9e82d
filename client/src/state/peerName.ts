import type { ParticipantKind } from '../../../server/protocol/responses.js';
import { t } from '../i18n/i18n.js';

/** What a name is shown from: a participant's own name, or for a phone caller `…1234` or ''. */
export interface Named {
	displayName: string;
	kind: ParticipantKind;
	isSelf?: boolean;
}

/** Digits of a phone caller's name kept for display: at most the last four (invariant 2). */
const SHOWN_PHONE_DIGITS = 4;

/**
 * The name every view shows for a participant: browsers by the name they chose, phone callers
 * as "Phone …1234" / "Telefon …1234", or "Phone (withheld)" when the number is anonymous.
 */
export function peerName(p: Named): string {
	if (p.kind !== 'phone') return p.displayName;
	// The server sends "…1234"; keep only the last four digits whatever arrives, so no view can
	// ever show more of a number than that.
	const digits = p.displayName.replace(/\D/g, '').slice(-SHOWN_PHONE_DIGITS);
	return digits ? t('phone.name', { digits: `…${digits}` }) : t('phone.withheld');
}

/** `peerName`, marked "(you)" for this client's own entry: tile labels, lists. */
export function peerLabel(p: Named): string {
	return p.isSelf ? t('meeting.you', { name: peerName(p) }) : peerName(p);
}
