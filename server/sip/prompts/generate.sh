#!/usr/bin/env bash
# Generates the dial-in voice prompts: one 8 kHz mono μ-law raw file (.ul) per prompt and language.
# Run at development time and commit the output (the server never runs espeak-ng or sox).
# Needs the Debian packages espeak-ng and sox. Usage: bash server/sip/prompts/generate.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
RATE_WPM=170        # espeak-ng speed: a normal phone pace (about 4.5 syllables a second)
MAX_BYTES=62400     # 7.8 s at 8000 bytes/s; the unit test allows 8 s
PEAK_DBFS=-3        # modest level: peaks at -3 dBFS after resampling
TRIM_THRESHOLD=0.5% # amplitude below which leading/trailing audio counts as silence

# name|text. PIN and Plenum are respelt where espeak-ng would spell them letter by letter
# or stress them oddly; README.md lists the texts as written.
en_prompts=(
	"welcome|Welcome to Pleenum. Please enter the meeting pin, followed by the hash key."
	"wrongPin|That pin is not valid. Please try again."
	"tooManyTries|Too many wrong attempts. Goodbye."
	"joined|You are now in the meeting. Press star six to mute or unmute yourself, star one to hear how many people are in the meeting."
	"muted|You are muted."
	"unmuted|You are unmuted."
	"mutedByModerator|A moderator has muted you. Press star six to unmute."
	"participantsPrefix|Participants in the meeting:"
	"nMore|more than twenty"
	"ended|The meeting has ended. Goodbye."
	"removed|You have been removed from the meeting. Goodbye."
	"unavailable|The meeting cannot be joined right now. Goodbye."
)
de_prompts=(
	"welcome|Willkommen bei Plenum. Bitte geben Sie die Konferenz-Pinn ein, gefolgt von der Raute-Taste."
	"wrongPin|Diese Pinn ist ungültig. Bitte versuchen Sie es noch einmal."
	"tooManyTries|Zu viele falsche Versuche. Auf Wiederhören."
	"joined|Sie sind jetzt in der Konferenz. Drücken Sie Stern sechs, um sich stumm oder laut zu schalten, Stern eins, um die Anzahl der Teilnehmenden zu hören."
	"muted|Sie sind stummgeschaltet."
	"unmuted|Ihr Mikrofon ist eingeschaltet."
	"mutedByModerator|Eine Moderatorin oder ein Moderator hat Sie stummgeschaltet. Drücken Sie Stern sechs, um Ihr Mikrofon einzuschalten."
	"participantsPrefix|Teilnehmende in der Konferenz:"
	"nMore|mehr als zwanzig"
	"ended|Die Konferenz ist beendet. Auf Wiederhören."
	"removed|Sie wurden aus der Konferenz entfernt. Auf Wiederhören."
	"unavailable|Der Konferenz kann gerade nicht beigetreten werden. Auf Wiederhören."
)
en_numbers=(one two three four five six seven eight nine ten eleven twelve thirteen fourteen
	fifteen sixteen seventeen eighteen nineteen twenty)
de_numbers=(eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn
	fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig)
for i in "${!en_numbers[@]}"; do
	en_prompts+=("n$((i + 1))|${en_numbers[$i]}")
	de_prompts+=("n$((i + 1))|${de_numbers[$i]}")
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# render <voice> <wpm> <text> <out.ul>
render() {
	espeak-ng -v "$1" -s "$2" -w "$tmp/speech.wav" -- "$3"
	# Trim the start, reverse and trim the (former) end, reverse back; resample to the phone
	# band before normalising so the -3 dBFS peak holds for the samples actually sent. -D: no
	# dither, so the output is reproducible and pauses stay silent.
	sox -G -D "$tmp/speech.wav" -r 8000 -c 1 -e u-law -t ul "$4" \
		silence 1 0.01 "$TRIM_THRESHOLD" reverse silence 1 0.01 "$TRIM_THRESHOLD" reverse \
		rate -v 8000 gain -n "$PEAK_DBFS"
}

# speak <voice> <outDir> <name|text>...
speak() {
	local voice="$1" out="$2"
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	for entry in "$@"; do
		local name="${entry%%|*}" text="${entry#*|}"
		local wpm="$RATE_WPM"
		render "$voice" "$wpm" "$text" "$out/$name.ul"
		# A prompt too long at the normal pace is spoken a little faster (bounded: 5 steps of 6 wpm).
		while [ "$(stat -c %s "$out/$name.ul")" -gt "$MAX_BYTES" ]; do
			[ "$wpm" -lt $((RATE_WPM + 30)) ] || { echo "$voice/$name: too long even at $wpm wpm" >&2; exit 1; }
			wpm=$((wpm + 6))
			render "$voice" "$wpm" "$text" "$out/$name.ul"
		done
		[ "$wpm" = "$RATE_WPM" ] || echo "$voice/$name: spoken at $wpm wpm to stay under 7.8 s"
	done
}

speak en-gb "$here/en" "${en_prompts[@]}"
speak de "$here/de" "${de_prompts[@]}"
du -cb "$here"/en/*.ul "$here"/de/*.ul | tail -n 1
