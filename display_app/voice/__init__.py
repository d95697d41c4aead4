"""The hall's voice: every call said in Mandarin, offline, one after another.

- `words`        — what is said for a call (the sentence, the synthesiser's words, a pack's clips).
- `announcement` — a call for the speech queue.
- `pack`         — the clips of a voice pack; the default pack made with espeak-ng.

The engines, the speech queue and the speakers are shared with the kiosk: `app_shell.voice`.
See docs/voice.md.
"""
