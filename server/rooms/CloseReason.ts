/**
 * Why a participant or a room ended. The enum lives in the protocol (server/protocol/closeReasons.ts)
 * with `toClientReason`, its one mapping to what clients are told; rooms/, sip/ and signalling/
 * import it from here.
 */
export { CLOSE_REASONS, type CloseReason, toClientReason } from '../protocol/closeReasons.js';
