/**
 * `npm run token -- --room <id|*> [--role moderator|participant] [--name <name>] [--ttl 2h]`
 * Mints an HS256 room token with JWT_SECRET, for testing and for simple portals. Prints the
 * token and a ready link (`/r/<room>?jwt=…`; the client removes the token from the address bar).
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { loadConfig } from '../config.js';
import { TokenClaimsSchema } from './tokenClaims.js';

const { values } = parseArgs({
	options: {
		room: { type: 'string' },
		role: { type: 'string', default: 'participant' },
		name: { type: 'string' },
		ttl: { type: 'string', default: '2h' },
	},
});
const config = loadConfig();
const secret = config.auth.secret;
if (!secret) {
	console.error('set JWT_SECRET (32+ characters) to the secret the server verifies with');
	process.exit(2);
}
const claims = TokenClaimsSchema.safeParse({ room: values.room, role: values.role, name: values.name });
if (!claims.success) {
	console.error(`invalid claims: ${claims.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
	console.error('usage: npm run token -- --room <id|*> [--role moderator|participant] [--name <name>] [--ttl 2h]');
	process.exit(2);
}
const token = await new SignJWT({ ...claims.data })
	.setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
	.setIssuer(config.auth.issuer)
	.setAudience(config.auth.audience)
	.setIssuedAt()
	.setExpirationTime(values.ttl)
	.sign(new TextEncoder().encode(secret));
console.log(token);
if (claims.data.room !== '*') {
	console.log(`${config.publicUrl ?? `http://localhost:${config.port}`}/r/${claims.data.room}?jwt=${token}`);
}
