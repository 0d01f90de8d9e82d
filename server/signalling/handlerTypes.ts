import type { RequestName, RequestOf } from '../protocol/requests.js';
import type { Responses } from '../protocol/responses.js';
import type { Room } from '../rooms/Room.js';
import type { ParticipantId } from '../shared/ids.js';
import type { Session } from './Session.js';

/** A handler sees only parsed input and answers with its request's response type. */
export type Handler<N extends RequestName> = (session: Session, req: RequestOf<N>) => Promise<Responses[N]>;

export type Handlers = { [N in RequestName]: Handler<N> };

/** Requests whose success answer is empty (`{}`). */
export type EmptyAnswer = { [N in RequestName]: Responses[N] extends Record<string, never> ? N : never }[RequestName];

/**
 * A handler for a joined participant's action that answers `{}`: looks up the room and the
 * caller, runs `action`, and lets its PlenumError become the error ack.
 */
export function roomAction<N extends EmptyAnswer>(action: (room: Room, by: ParticipantId, req: RequestOf<N>) => unknown): Handler<N> {
	return async (s, req) => {
		const { room, participant } = s.joined();
		await action(room, participant.id, req);
		return {} as Responses[N];
	};
}
