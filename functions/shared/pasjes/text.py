"""Text folding for search and sorting: case- and accent-insensitive, for any European script."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Letters that carry their "accent" in the base letter itself, so NFKD leaves them alone.
_BASE_LETTERS = str.maketrans(
    {
        "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
        "ħ": "h", "Ħ": "h", "ı": "i", "ŀ": "l", "Ŀ": "l", "þ": "th", "Þ": "th",
        "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ẞ": "ss",
    }
)  # fmt: skip
# The version of what name_key and surname_key give, which every list row stores: raise it with
# any change to them, so that the next import rewrites the lists (importing.digest.rows_hash).
NAME_KEYS_VERSION: Final = 2

# Titles before a name and after it: they are not searched on and do not count when sorting.
TITLES_BEFORE = frozenset({
    "dhr", "mevr", "mw", "mevrouw", "meneer", "heer", "mr", "dr", "ir", "drs", "prof", "ing",
    "bc", "ds",
})  # fmt: skip
TITLES_AFTER = frozenset({"msc", "bsc", "ma", "ba", "mba", "phd", "llm", "mphil", "jr", "sr"})


def fold(text: str) -> str:
    """Lower-case, accent-free text: fold("Şükrü Öztürk") == "sukru ozturk"."""
    if text.isascii():
        # Most names: no accent to strip, and NFKD leaves ASCII as it is (a third of the
        # import's making of list rows).
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.translate(_BASE_LETTERS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def _is_title_before(word: str) -> bool:
    """A title before a name: "dr.", "mevr", or glued ones such as "prof.dr.ir." (every part)."""
    return all(part in TITLES_BEFORE for part in word.rstrip(".").split("."))


def name_key(display_name: str) -> str:
    """The key names are searched on: folded, without the titles before it ("Dhr.", "Prof. dr.")."""
    words = fold(display_name).split()
    return " ".join(words[_name_start(words) :])


def _name_start(words: list[str]) -> int:
    """Where the name starts after the titles before it (never past its last word)."""
    start = 0
    while start < len(words) - 1 and _is_title_before(words[start]):
        start += 1
    return start


# Tussenvoegsels (the Dutch civil registry's voorvoegsels, and the common foreign ones): words
# before a surname that do not count in its place in a list: "A. van der Heijden" under H.
_PREFIXES = frozenset({
    "van", "de", "der", "den", "het", "'t", "te", "ten", "ter", "in", "op", "uit", "aan", "bij",
    "onder", "over", "voor", "vd", "v.d.", "d'", "l'", "'s", "la", "le", "les", "du", "des", "di",
    "da", "del", "della", "dos", "das", "von", "vom", "zu", "zum", "zur", "am", "auf", "im",
})  # fmt: skip
_GLUED_PREFIX = re.compile(r"^(?:d|l)'(?=\w)")
# Sorts before any letter or space, so "jong" comes before "jonge" and "jong-smit".
_PART = "\x01"


def _words(text: str) -> list[str]:
    folded = fold(text.replace("\u2019", "'").replace("`", "'").replace(",", " , "))
    return folded.split()


def _is_initials(word: str) -> bool:
    """Initials such as "a.", "a.k." or "j.p.m.": letters each followed by a dot."""
    return word.endswith(".") and all(len(part) <= 2 for part in word[:-1].split("."))


def _is_title_after(word: str) -> bool:
    return word.replace(".", "") in TITLES_AFTER


def _without_titles(words: list[str]) -> list[str]:
    start = _name_start(words)
    end = len(words)
    while end > start + 1 and _is_title_after(words[end - 1]):
        end -= 1
    return words[start:end]


def _only_titles(words: list[str]) -> bool:
    """What follows a comma in "J. Bakker, MSc": titles, not given names."""
    rest = [w for w in words if w != ","]
    return bool(rest) and all(_is_title_after(w) or _is_title_before(w) for w in rest)


def _split_name(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(given names and initials, tussenvoegsels, surname) of a name's words, titles removed.

    The rule (docs/data-model.md, "How names sort"): the surname follows the first run of
    tussenvoegsels after the first word that has a word after it (of two words, the first may
    be one: "van Dijk"); without one, after given names that are all initials, the rest is the
    surname ("K. El Amrani"); otherwise it starts at the first word after the first that holds a
    hyphen ("Anna Jansen-de Vries"); otherwise it is the last word.
    """
    start = 1 if len(words) > 2 else 0
    for i, word in enumerate(words[start:], start=start):
        if word in _PREFIXES:
            j = i
            while j < len(words) and words[j] in _PREFIXES:
                j += 1
            if j < len(words):
                return words[:i], words[i:j], words[j:]
    initials = 0
    while initials < len(words) - 1 and (
        _is_initials(words[initials]) or len(words[initials]) == 1
    ):
        initials += 1
    if initials:
        return words[:initials], [], words[initials:]
    for i, word in enumerate(words[1:], start=1):
        if "-" in word and not _is_initials(word):
            return words[:i], [], words[i:]
    return words[:-1], [], words[-1:]


def _split_inverted(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """A name written "Jong, A. de" or "Mevr. de Jong, B.": the surname before the comma."""
    comma = words.index(",")
    last = _without_titles(words[:comma])
    first = _without_titles([w for w in words[comma + 1 :] if w != ","])
    start = 0
    while start < len(last) - 1 and last[start] in _PREFIXES:
        start += 1
    tussen = last[:start] + [w for w in first if w in _PREFIXES]
    return [w for w in first if w not in _PREFIXES], tussen, last[start:]


def _surname_words(words: list[str]) -> list[str]:
    if words:
        words = [_GLUED_PREFIX.sub("", words[0]), *words[1:]]
    return words


def surname_key(
    display_name: str,
    *,
    surname: str | None = None,
    prefix: str | None = None,
    initials: str | None = None,
) -> str:
    """The key the list sorts names on, as Dutch administrations do: by surname, then given names
    or initials, then tussenvoegsel; titles do not count, accents are folded as in search.

    "Mevr. A de Jong" sorts under J, "A.K. van der Heijden" under H. Where the registry gives the
    surname (and prefix, initials) they are used as given; otherwise they are derived from the
    name as written (see _split_name). A name in the form "Jong, A. de" is read as such; one
    in the form "J. Bakker, MSc" is not.
    """
    words = _words(display_name)
    # A comma followed by titles only ("J. Bakker, MSc") is not the surname-first form.
    while "," in words and _only_titles(words[words.index(",") + 1 :]):
        words = words[: words.index(",")]
    if "," in words:
        given, tussen, family = _split_inverted(words)
    else:
        given, tussen, family = _split_name(_without_titles(words)) if words else ([], [], [])
    if surname is not None and surname.strip():
        family = _words(surname)
        if prefix is not None:
            tussen = _words(prefix)
    else:
        family = _surname_words(family)
    if initials is not None and initials.strip():
        given = _words(initials)
    return _PART.join((" ".join(family), " ".join(given).replace(".", ""), " ".join(tussen)))


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
