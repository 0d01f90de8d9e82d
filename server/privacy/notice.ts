import type { Config } from '../config.js';
import type { Feature } from '../protocol/limits.js';

/**
 * The Art. 13 GDPR-style notice of what this instance processes, generated from its running
 * configuration, so it cannot drift from what the server does. Served as /privacy (HTML, de/en)
 * and /privacy.json.
 */
export type Lang = 'de' | 'en';

export interface NoticeSection {
	title: string;
	items: string[];
}

export interface PrivacyNotice {
	lang: Lang;
	title: string;
	controller: { name: string; contact: string };
	sections: NoticeSection[];
	/** The facts the text was made from, for machines and audits. */
	facts: {
		authMode: 'open' | 'token';
		dialIn: boolean;
		turn: boolean;
		/** Meeting features on (FEATURES): their data is listed. */
		features: Feature[];
		logLevel: string;
		reconnectGraceSeconds: number;
		maxMeetingHours: number | null;
		maxParticipants: number;
		cookies: false;
		thirdParties: [];
	};
}

type Facts = PrivacyNotice['facts'];

const TEXT = {
	en: {
		title: 'Privacy notice for video meetings',
		controller: 'Controller',
		what: 'What is processed',
		name: 'Your display name, shown to the other participants.',
		nameFromPortal: 'Your name and role as your organisation’s portal states them in the meeting invitation (token).',
		media: 'Your audio, video and screen share, forwarded to the other participants and not recorded.',
		chat: 'Chat messages, raised hands and reactions, shown to the participants of the meeting.',
		breakout: 'Breakout rooms a moderator opens: their names and who is in which. Each breakout room’s chat, notes, whiteboard and presentations are deleted when the breakout rooms end.',
		notes: 'Shared notes: what participants write in them, with the writers’ names shown at their cursors. Anyone in the meeting may download them; the server deletes them when the meeting ends.',
		whiteboard: 'Whiteboard drawings and texts, shown to everyone in the meeting and deleted when it ends.',
		presentation: 'Presentations (PDF files) a presenter uploads, with their file names: held in the server’s memory only, sent to the participants’ browsers to be shown there, and deleted when the meeting ends. Nothing is converted or written to disk.',
		ip: 'Your IP address, needed to connect; it is held in memory for the connection only and never logged.',
		phone: 'For phone participants: the calling number is used to connect the call; only its last four digits are shown. To stop PIN guessing, a keyed hash of the number (not the number) is held in memory during the call and for at most 60 seconds after a wrong PIN; nothing is stored.',
		turn: 'A relay (TURN) server operated by the controller may carry your media when a direct connection is not possible.',
		why: 'Purpose',
		whyText: 'Holding the video meeting you joined. Nothing is used for any other purpose.',
		howLong: 'How long',
		duration: (f: Facts) => `Only while the meeting runs. When the last participant leaves, or at the latest after ${f.maxMeetingHours} hours, the meeting and all its data are deleted from memory.`,
		durationNoLimit: 'Only while the meeting runs. When the last participant leaves, the meeting and all its data are deleted from memory.',
		reconnect: (f: Facts) => `If your connection drops, your place in the meeting is kept for ${f.reconnectGraceSeconds} seconds so you can rejoin.`,
		storage: 'Nothing is written to disk: no database, no files, no recordings.',
		logs: (f: Facts) => `Server logs (level "${f.logLevel}") contain technical events and random ids only: no names, room names, chat, IP addresses or phone numbers.`,
		browser: 'Your browser',
		noCookies: 'No cookies. The browser stores nothing unless you confirm this notice (then: that you saw it) and tick “remember my name” (then: your name). Nothing is loaded from other servers.',
		recipients: 'Recipients',
		recipientsText: 'The other participants of your meeting. No other companies, no analytics, no content delivery networks, no transfer to third countries.',
		access: 'Access',
		open: 'Anyone who has a meeting’s link can join it; the first participant moderates.',
		token: 'Meetings are opened with an invitation from your organisation’s portal.',
		limits: (f: Facts) => `A meeting holds at most ${f.maxParticipants} participants.`,
		rights: 'Your rights',
		rightsText: 'You have the rights of access, rectification, erasure, restriction, objection (Art. 15–21 GDPR) and to lodge a complaint with a supervisory authority. As nothing is kept after the meeting, there is usually nothing left to disclose or delete afterwards.',
	},
	de: {
		title: 'Datenschutzhinweise für Videokonferenzen',
		controller: 'Verantwortliche Stelle',
		what: 'Welche Daten verarbeitet werden',
		name: 'Ihr Anzeigename, den die anderen Teilnehmenden sehen.',
		nameFromPortal: 'Ihr Name und Ihre Rolle, wie das Portal Ihrer Organisation sie in der Einladung (Token) angibt.',
		media: 'Ihr Ton, Video und Ihre Bildschirmfreigabe; sie werden an die anderen Teilnehmenden weitergeleitet und nicht aufgezeichnet.',
		chat: 'Chatnachrichten, gehobene Hände und Reaktionen; die Teilnehmenden der Besprechung sehen sie.',
		breakout: 'Gruppenräume, die eine Moderatorin oder ein Moderator öffnet: ihre Namen und wer in welchem ist. Chat, Notizen, Whiteboard und Präsentationen jedes Gruppenraums werden gelöscht, wenn die Gruppenräume enden.',
		notes: 'Gemeinsame Notizen: was Teilnehmende hineinschreiben, mit dem Namen der Schreibenden an ihrem Cursor. Alle in der Besprechung können sie herunterladen; der Server löscht sie mit dem Ende der Besprechung.',
		whiteboard: 'Zeichnungen und Texte auf dem Whiteboard; alle in der Besprechung sehen sie, gelöscht werden sie mit dem Ende der Besprechung.',
		presentation: 'Präsentationen (PDF-Dateien), die Präsentierende hochladen, mit ihrem Dateinamen: nur im Arbeitsspeicher des Servers gehalten, zur Anzeige an die Browser der Teilnehmenden gesendet und mit dem Ende der Besprechung gelöscht. Nichts wird umgewandelt oder auf die Festplatte geschrieben.',
		ip: 'Ihre IP-Adresse, die für die Verbindung nötig ist; sie wird nur für die Verbindung im Arbeitsspeicher gehalten und nie protokolliert.',
		phone: 'Bei Telefonteilnehmenden: Die anrufende Nummer wird zum Verbinden verwendet; angezeigt werden nur die letzten vier Ziffern. Gegen das Erraten von PINs wird ein verschlüsselter Hashwert der Nummer (nicht die Nummer) während des Anrufs und höchstens 60 Sekunden nach einer falschen PIN im Arbeitsspeicher gehalten; gespeichert wird nichts.',
		turn: 'Ein Relay-Server (TURN) der verantwortlichen Stelle kann Ihre Medien übertragen, wenn keine direkte Verbindung möglich ist.',
		why: 'Zweck',
		whyText: 'Durchführung der Videokonferenz, an der Sie teilnehmen. Die Daten werden für keinen anderen Zweck verwendet.',
		howLong: 'Speicherdauer',
		duration: (f: Facts) => `Nur während der Besprechung. Wenn die letzte Person sie verlässt, spätestens aber nach ${f.maxMeetingHours} Stunden, werden die Besprechung und alle ihre Daten aus dem Arbeitsspeicher gelöscht.`,
		durationNoLimit: 'Nur während der Besprechung. Wenn die letzte Person sie verlässt, werden die Besprechung und alle ihre Daten aus dem Arbeitsspeicher gelöscht.',
		reconnect: (f: Facts) => `Bricht Ihre Verbindung ab, wird Ihr Platz ${f.reconnectGraceSeconds} Sekunden lang freigehalten, damit Sie zurückkehren können.`,
		storage: 'Nichts wird auf Datenträger geschrieben: keine Datenbank, keine Dateien, keine Aufzeichnungen.',
		logs: (f: Facts) => `Serverprotokolle (Stufe „${f.logLevel}“) enthalten nur technische Ereignisse und Zufallskennungen: keine Namen, Raumnamen, Chats, IP-Adressen oder Telefonnummern.`,
		browser: 'Ihr Browser',
		noCookies: 'Keine Cookies. Der Browser speichert nichts, es sei denn, Sie bestätigen diesen Hinweis (dann: dass Sie ihn gesehen haben) und kreuzen „Namen merken“ an (dann: Ihren Namen). Nichts wird von anderen Servern geladen.',
		recipients: 'Empfänger',
		recipientsText: 'Die anderen Teilnehmenden Ihrer Besprechung. Keine anderen Unternehmen, keine Analyse, keine Content-Delivery-Netzwerke, keine Übermittlung in Drittländer.',
		access: 'Zugang',
		open: 'Wer den Link einer Besprechung hat, kann teilnehmen; die erste Person moderiert.',
		token: 'Besprechungen werden mit einer Einladung aus dem Portal Ihrer Organisation eröffnet.',
		limits: (f: Facts) => `Eine Besprechung fasst höchstens ${f.maxParticipants} Teilnehmende.`,
		rights: 'Ihre Rechte',
		rightsText: 'Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung, Widerspruch (Art. 15–21 DSGVO) und auf Beschwerde bei einer Aufsichtsbehörde. Da nach der Besprechung nichts aufbewahrt wird, gibt es danach in der Regel nichts mehr mitzuteilen oder zu löschen.',
	},
} as const;

export interface NoticeConfig {
	auth: Pick<Config['auth'], 'mode'>;
	logLevel: string;
	reconnectGraceMs: number;
	roomMaxDurationMs: number;
	maxParticipantsPerRoom: number;
	features: Feature[];
	privacy: { controllerName: string; controllerContact: string; dialIn: boolean; turn: boolean };
}

export function privacyNotice(config: NoticeConfig, lang: Lang): PrivacyNotice {
	const t = TEXT[lang];
	const facts: Facts = {
		authMode: config.auth.mode,
		dialIn: config.privacy.dialIn,
		turn: config.privacy.turn,
		features: config.features,
		logLevel: config.logLevel,
		reconnectGraceSeconds: Math.round(config.reconnectGraceMs / 1000),
		maxMeetingHours: config.roomMaxDurationMs ? Math.round((config.roomMaxDurationMs / 3_600_000) * 10) / 10 : null,
		maxParticipants: config.maxParticipantsPerRoom,
		cookies: false,
		thirdParties: [],
	};
	const what: string[] = [facts.authMode === 'token' ? t.nameFromPortal : t.name, t.media, t.chat, t.breakout, t.ip];
	for (const f of facts.features) what.push(t[f]);
	if (facts.dialIn) what.push(t.phone);
	if (facts.turn) what.push(t.turn);
	return {
		lang,
		title: t.title,
		controller: { name: config.privacy.controllerName, contact: config.privacy.controllerContact },
		sections: [
			{ title: t.what, items: what },
			{ title: t.why, items: [t.whyText] },
			{ title: t.howLong, items: [facts.maxMeetingHours ? t.duration(facts) : t.durationNoLimit, t.reconnect(facts), t.storage, t.logs(facts)] },
			{ title: t.browser, items: [t.noCookies] },
			{ title: t.recipients, items: [t.recipientsText] },
			{ title: t.access, items: [facts.authMode === 'token' ? t.token : t.open, t.limits(facts)] },
			{ title: t.rights, items: [t.rightsText] },
		],
		facts,
	};
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained page (no scripts, no external styles), safe under the site's CSP. */
export function noticeHtml(n: PrivacyNotice): string {
	const other = n.lang === 'de' ? '<a href="/privacy?lang=en" hreflang="en">English</a>' : '<a href="/privacy?lang=de" hreflang="de">Deutsch</a>';
	const sections = n.sections.map((s) => `<h2>${escape(s.title)}</h2>\n<ul>${s.items.map((i) => `<li>${escape(i)}</li>`).join('')}</ul>`).join('\n');
	return `<!doctype html>
<html lang="${n.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(n.title)}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5">
<p>${other}</p>
<h1>${escape(n.title)}</h1>
<h2>${n.lang === 'de' ? 'Verantwortliche Stelle' : 'Controller'}</h2>
<p>${escape(n.controller.name)}<br>${escape(n.controller.contact)}</p>
${sections}
</body></html>`;
}
