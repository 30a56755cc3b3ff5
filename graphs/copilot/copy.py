"""Every word the co-pilot itself says: its help, built from what each use case says it does."""

from __future__ import annotations

from graphs import registry

WORDS: dict[str, dict[str, str]] = {
    "en": {"help": "I'm your co-pilot. I can:"},
    "vi": {"help": "Tôi là trợ lý của anh/chị. Tôi có thể:"},
}


def help_text(language: str) -> str:
    """What the co-pilot can do, one line per use case reachable from the chat, with an example."""
    lang = "vi" if language == "vi" else "en"
    lines = [f"- {entry.help[lang]}" for entry in registry.reachable("chat") if entry.help.get(lang)]
    return "\n".join([WORDS[lang]["help"], *lines])
