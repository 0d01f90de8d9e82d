import { useEffect, useRef, useState } from 'preact/hooks';
import { LIMITS } from '../../../server/protocol/limits.js';
import { t } from '../i18n/i18n.js';
import { sendChat } from '../state/actions.js';
import { peerName } from '../state/peerName.js';
import { chatLog, chatSeen, client, peers } from '../state/store.js';

/** Room-wide chat. Text only: links are shown, never fetched or previewed. */
export function ChatPanel() {
	const [text, setText] = useState('');
	const list = useRef<HTMLOListElement>(null);
	const messages = chatLog.value;
	const self = client.value?.participantId;
	// Messages carry the name only; the kind comes from the sender, if still in the room.
	const kindOf = (id: string) => peers.value.find((p) => p.id === id)?.kind ?? 'browser';
	useEffect(() => {
		chatSeen.value = messages.length;
		list.current?.lastElementChild?.scrollIntoView({ block: 'end' });
	}, [messages.length]);
	const submit = (e: Event) => {
		e.preventDefault();
		const value = text.trim();
		if (!value) return;
		setText('');
		void sendChat(value);
	};
	return (
		<aside id="chat" class="panel" aria-labelledby="chat-title">
			<h2 id="chat-title">{t('chat.title')}</h2>
			{messages.length === 0 && <p class="empty">{t('chat.empty')}</p>}
			<ol ref={list} class="messages" aria-live="polite">
				{messages.map((m) => (
					<li key={m.id} class={m.participantId === self ? 'own' : ''}>
						<span class="from">{peerName({ displayName: m.displayName, kind: kindOf(m.participantId) })}</span>{' '}
						<time dateTime={new Date(m.sentAt).toISOString()}>{new Date(m.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
						<p class="text">{linkify(m.text)}</p>
					</li>
				))}
			</ol>
			<form id="chat-form" onSubmit={submit}>
				<label for="chat-input" class="visually-hidden">{t('chat.placeholder')}</label>
				<input id="chat-input" value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder={t('chat.placeholder')} maxLength={LIMITS.CHAT_TEXT_MAX} autoComplete="off" />
				<button type="submit">{t('chat.send')}</button>
			</form>
		</aside>
	);
}

const URL_RE = /\bhttps?:\/\/[^\s<>"]+/g;

/** Text with http(s) links made clickable; nothing is fetched or previewed, no referrer is sent. */
export function linkify(text: string) {
	const parts: Array<string | preact.JSX.Element> = [];
	let last = 0;
	for (const m of text.matchAll(URL_RE)) {
		const at = m.index ?? 0;
		parts.push(text.slice(last, at));
		parts.push(<a href={m[0]} target="_blank" rel="noopener noreferrer nofollow">{m[0]}</a>);
		last = at + m[0].length;
	}
	parts.push(text.slice(last));
	return parts;
}
