import type { types } from 'mediasoup';

/**
 * Codecs every room's router offers. VP8 first: every browser has it, and it carries
 * simulcast everywhere (Firefox here has no H264 at all).
 */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, usedtx: 1 } },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
	{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
	{
		kind: 'video', mimeType: 'video/H264', clockRate: 90000,
		parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
	},
];
