import type { RequestName, RequestOf } from '../protocol/requests.js';
import type { Responses } from '../protocol/responses.js';
import type { Session } from './Session.js';

/** A handler sees only parsed input and answers with its request's response type. */
export type Handler<N extends RequestName> = (session: Session, req: RequestOf<N>) => Promise<Responses[N]>;

export type Handlers = { [N in RequestName]: Handler<N> };
