import { useState } from 'preact/hooks';
import { LIMITS } from '../../../server/protocol/limits.js';
import { t } from '../i18n/i18n.js';
import { moderate } from '../state/actions.js';
import { client, rev } from '../state/store.js';

/** Open polls to vote in, closed polls with their (anonymous) results. */
export function Polls() {
	rev.value;
	const c = client.value;
	if (!c || c.polls.size === 0) return null;
	const moderating = c.role === 'moderator';
	return (
		<div class="polls" aria-live="polite">
			{[...c.polls.values()].map((p) => {
				const total = p.counts?.reduce((a, b) => a + b, 0) ?? 0;
				return (
					<section key={p.id} class="poll" data-poll-id={p.id} aria-label={t('poll.title')}>
						<h3>{p.question}</h3>
						{p.open ? (
							<div class="poll-options">
								{p.options.map((o, i) => (
									<button type="button" key={o} data-option={i} disabled={p.voted} onClick={() => void moderate((x) => x.vote(p.id, i))}>{o}</button>
								))}
								{p.voted && <span class="voted">{t('poll.voted')}</span>}
								{moderating && <button type="button" class="close-poll" onClick={() => void moderate((x) => x.closePoll(p.id))}>{t('poll.close')}</button>}
							</div>
						) : (
							<ul class="poll-results">
								{p.options.map((o, i) => (
									<li key={o} data-option={i}><span>{o}</span> <strong data-count>{p.counts?.[i] ?? 0}</strong> <meter min={0} max={Math.max(1, total)} value={p.counts?.[i] ?? 0} aria-label={o} /></li>
								))}
							</ul>
						)}
					</section>
				);
			})}
		</div>
	);
}

/** Moderators: ask a question with 2–10 answers (one per line). */
export function NewPollForm() {
	const [question, setQuestion] = useState('');
	const [options, setOptions] = useState('');
	const list = options.split('\n').map((o) => o.trim()).filter(Boolean);
	const submit = (e: Event) => {
		e.preventDefault();
		if (!question.trim() || list.length < LIMITS.POLL_OPTIONS_MIN) return;
		void moderate((x) => x.createPoll(question.trim(), list.slice(0, LIMITS.POLL_OPTIONS_MAX))).then(() => { setQuestion(''); setOptions(''); });
	};
	return (
		<form id="new-poll" class="new-poll" onSubmit={submit}>
			<h3>{t('poll.new')}</h3>
			<label for="poll-question">{t('poll.question')}</label>
			<input id="poll-question" value={question} onInput={(e) => setQuestion(e.currentTarget.value)} maxLength={LIMITS.POLL_QUESTION_MAX} />
			<label for="poll-options">{t('poll.options')}</label>
			<textarea id="poll-options" rows={3} value={options} onInput={(e) => setOptions(e.currentTarget.value)} />
			<button type="submit" disabled={!question.trim() || list.length < 2}>{t('poll.start')}</button>
		</form>
	);
}
