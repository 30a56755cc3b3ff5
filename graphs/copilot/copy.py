"""Every word the co-pilot itself says: its help, what is coming, and the question between two readings."""

from __future__ import annotations

from graphs import registry
from tools.core.language import supported_language

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "help": "I'm your co-pilot. I can:",
        "coming": "{does} is coming soon: I can't do that yet, and I won't guess. What I can do now:",
        "coming_understood": "{does} (coming soon)",
        "which": "Did you mean one of these?",
        "which_other": "Something else",
    },
    "vi": {
        "help": "Tôi là trợ lý của anh/chị. Tôi có thể:",
        "coming": "Chức năng {does} sắp có: hiện tôi chưa làm được và sẽ không đoán. Những việc tôi làm được ngay:",
        "coming_understood": "{does} (sắp có)",
        "which": "Anh/chị muốn làm việc nào dưới đây?",
        "which_other": "Việc khác",
    },
}


def _lang(language: str) -> str:
    return supported_language(language)


def help_text(language: str) -> str:
    """What the co-pilot can do, one line per use case reachable from the chat, with an example."""
    lang = _lang(language)
    lines = [f"- {entry.help(lang)}" for entry in registry.reachable("chat") if entry.does.get(lang)]
    return "\n".join([WORDS[lang]["help"], *lines])


def coming_soon(entry: registry.UseCase, language: str) -> str:
    """An honest answer for a use case that is announced but not built, then what the co-pilot can do now."""
    lang = _lang(language)
    does = entry.does.get(lang) or entry.name.replace("_", " ")
    lines = [f"- {other.help(lang)}" for other in registry.reachable("chat") if other.does.get(lang)]
    does = does[:1].upper() + does[1:] if lang == "en" else does  # it starts the English sentence
    return "\n".join([WORDS[lang]["coming"].format(does=does), *lines])


def coming_understood(entry: registry.UseCase, language: str) -> str:
    lang = _lang(language)
    does = entry.does.get(lang) or entry.name.replace("_", " ")
    return WORDS[lang]["coming_understood"].format(does=does[:1].upper() + does[1:])


def which_question(language: str) -> str:
    return WORDS[_lang(language)]["which"]


def choice_label(intent: str, language: str) -> str:
    """A use case as a button reads: what it does, capitalized."""
    entry = registry.by_intent(intent)
    lang = _lang(language)
    if entry is None:
        return WORDS[lang]["which_other"]
    does = entry.does.get(lang) or intent.replace("_", " ")
    return does[:1].upper() + does[1:]
