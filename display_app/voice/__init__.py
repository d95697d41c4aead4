"""The hall's voice: every call said in Mandarin, offline, one after another.

- `words`    — what is said for a call (the sentence, the synthesiser's words, a pack's clips).
- `audio`    — 16-bit PCM clips: read, convert, join, scale, write; the chime.
- `engines`  — `EspeakEngine` (espeak-ng `cmn-latn-pinyin`) and `VoicePackEngine` (recorded
               clips), one interface; `render_call` makes a whole announcement.
- `pack`     — the clips of a voice pack; the default pack made with espeak-ng.
- `queue`    — `SpeechQueue`: in order, never overlapping, never dropped; backlog shortened.
- `speakers` — `SoundCardSpeaker` (QtMultimedia), silent without a sound device.

Everything but `speakers` is Qt-free. See docs/voice.md.
"""
