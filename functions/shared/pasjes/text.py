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
