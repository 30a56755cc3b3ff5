"""Technical helpers with no bank knowledge: text folding, language, parsing, formatting, settings, models."""
