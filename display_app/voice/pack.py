"""Voice packs: the list of clips a pack holds, checking one, and making the default pack
with espeak-ng (a hall replaces the clips with its own recordings; see docs/voice.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app_shell.voice.audio import Audio, chime
from app_shell.voice.engines import EspeakEngine
from display_app.voice.words import CHIME, DIGIT_CLIPS, LETTER_CLIPS, WORD_CLIPS, spoken_clip

README = "说明.txt"


def clip_names() -> list[str]:
    """Every clip of a complete pack (file NAME.wav), chime first."""
    return [CHIME, *WORD_CLIPS, *DIGIT_CLIPS, *LETTER_CLIPS]


def clip_table() -> list[tuple[str, str]]:
    """(file name, what to say) for each clip, as a hall records them."""
    rows = [(f"{CHIME}.wav", "提示音（叮咚），可选；没有时使用内置提示音")]
    rows += [(f"{name}.wav", spoken_clip(name)) for name in clip_names() if name != CHIME]
    return rows


@dataclass(frozen=True)
class PackCheck:
    folder: Path
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


def check_pack(folder: Path) -> PackCheck:
    """Which clips a pack lacks (the chime is optional: a built-in one is used)."""
    missing = [n for n in clip_names() if n != CHIME and not (folder / f"{n}.wav").is_file()]
    return PackCheck(folder, missing)


def make_default_pack(folder: Path, engine: EspeakEngine | None = None) -> list[Path]:
    """Write every clip, spoken by espeak-ng, and the chime into `folder`; the files made.
    Raises VoiceError when espeak-ng cannot speak."""
    engine = engine or EspeakEngine()
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    for name in clip_names():
        path = folder / f"{name}.wav"
        audio: Audio = chime() if name == CHIME else engine.synthesise(spoken_clip(name)).trimmed()
        audio.write(path)
        made.append(path)
    lines = ["govqueue 语音包：每个文件说一个词，16 位 WAV（单声道或立体声，任意采样率）。", ""]
    lines += [f"{file}\t{said}" for file, said in clip_table()]
    (folder / README).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return made
