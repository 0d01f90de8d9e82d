// A participant in its own process, so the test can freeze it (SIGSTOP) with its TCP
// connection open, as a laptop that switches from Wi-Fi to mobile data leaves it.
// argv: baseUrl roomId. stdout: one JSON line per event.
import { io } from 'socket.io-client';

const [base, roomId] = process.argv.slice(2);
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const socket = io(base, { transports: ['websocket'], reconnection: false, forceNew: true });
socket.on('disconnect', (reason) => say({ event: 'disconnect', reason }));
socket.on('connect_error', (err) => say({ event: 'connect_error', message: err.message }));
socket.once('connect', async () => {
	const joined = await socket.timeout(5_000).emitWithAck('join', { roomId, displayName: 'Frozen' });
	if (!joined.ok) return say({ event: 'joinFailed', error: joined.error });
	say({ event: 'joined', participantId: joined.data.participantId, resumeToken: joined.data.resumeToken });
});
// After SIGCONT: the old connection tries what a woken client would do, late.
process.on('SIGCONT', () => {
	say({ event: 'continued', connected: socket.connected });
	socket.timeout(2_000).emit('leave', {}, (err, ack) => say({ event: 'lateLeave', timedOut: Boolean(err), ack }));
});
process.on('SIGTERM', () => process.exit(0));
