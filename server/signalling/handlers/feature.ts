import type { Feature, SharedDocName } from '../../protocol/limits.js';
import { PlenumError } from '../../shared/errors.js';
import type { Session } from '../Session.js';

/** PLN_FEATURE_OFF unless the server has `f` on (FEATURES; all when unset). */
export function requireFeature(s: Session, f: Feature): void {
	if (s.deps.features && !s.deps.features.includes(f)) throw new PlenumError('PLN_FEATURE_OFF');
}

/** The feature a shared document belongs to. */
export const featureOf = (doc: SharedDocName): Feature => (doc === 'notes' ? 'notes' : 'whiteboard');
