"""Offline Mandarin speech, shared by the hall display (calls) and the kiosk (guidance).

- `audio`    — 16-bit PCM clips: read, convert, join, scale, write; the chime.
- `words`    — what a phrase is to an engine (`Phrase`: words for espeak-ng, clips of a pack);
               ticket numbers and digits as they are said (A 零 一 二).
- `engines`  — `EspeakEngine` (espeak-ng `cmn-latn-pinyin`), `VoicePackEngine` (recorded
               clips) and `FallbackEngine`, one interface; `render` makes a whole utterance.
- `choice`   — the engine an app's settings choose (`chosen_engine`: espeak, pack or off).
- `queue`    — `SpeechQueue`: in order, never overlapping; a backlog shortened, or (guidance)
               only the latest waiting phrase kept.
- `speakers` — `SoundCardSpeaker` (QtMultimedia), silent without a sound device.

Everything but `speakers` is Qt-free. See docs/voice.md.
"""
