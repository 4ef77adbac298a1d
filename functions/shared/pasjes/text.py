"""Text folding for search and sorting: case- and accent-insensitive, for any European script."""

from __future__ import annotations

import re
import unicodedata

# Letters that carry their "accent" in the base letter itself, so NFKD leaves them alone.
_BASE_LETTERS = str.maketrans(
    {
        "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
        "ħ": "h", "Ħ": "h", "ı": "i", "ŀ": "l", "Ŀ": "l", "þ": "th", "Þ": "th",
        "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ẞ": "ss",
    }
)  # fmt: skip
_SALUTATION = re.compile(r"^(dhr|mevr|mw|mr|dr|ir|drs|prof)\.?\s+", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower-case, accent-free text: fold("Şükrü Öztürk") == "sukru ozturk"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_BASE_LETTERS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def name_key(display_name: str) -> str:
    """The key names are searched and sorted on: folded, without the salutation."""
    return _SALUTATION.sub("", fold(display_name))


# Control, format (bidi overrides, zero-width), surrogate, private-use and unassigned characters,
# and line/paragraph separators: none belongs in a name, a reference or a file name.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def is_invisible(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE


def invisible_characters(text: str) -> list[str]:
    """The invisible characters in `text`, each once; isprintable() rules out most text fast."""
    return [] if text.isprintable() else sorted({c for c in text if is_invisible(c)})


def ascii_digits(text: str) -> str:
    """Any script's decimal digits as ASCII digits: fullwidth or Arabic-Indic 99600953 is 99600953.

    Qualification numbers are ASCII; a phone's or an IME's fullwidth digits mean the same number.
    """
    if text.isascii():
        return text
    return "".join(str(d) if (d := unicodedata.decimal(c, None)) is not None else c for c in text)


# What an error message may repeat of the caller's input: a name of a parameter or a field as
# plain as identifiers are, so nothing echoed can be markup, a control character or a page of it.
_ECHO_SAFE = re.compile(r"[^A-Za-z0-9_.\-]")
ECHO_LIMIT = 40


def safe_echo(text: str, *, limit: int = ECHO_LIMIT) -> str:
    """`text` fit to repeat in an error: other characters become '?', long text is cut with '…'."""
    cleaned = _ECHO_SAFE.sub("?", text[: limit + 1])
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
