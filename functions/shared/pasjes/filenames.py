"""File names for the passes in a ZIP and for the ZIP itself.

A name comes from user data (a holder's name, a personal reference) and ends up on someone's
disk through Windows Explorer, macOS Archive Utility or `unzip`, so each part is reduced to one
safe path component: no separators or `..`, nothing a file system refuses, nothing that
displays differently from what it is (bidi overrides, zero-width characters). Letters, accents
included, stay as they are. Pure logic: the download function uses it without reportlab.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from pasjes.domain import Pass
from pasjes.text import is_invisible

MAX_ENTRY_BYTES = 200
"""Whole entry name, UTF-8. Most file systems allow 255 bytes per component; the margin leaves
room for the folder an unzip tool adds or a ' (2)' a browser appends."""

ZIP_PREFIX = "digitale-pasjes"

_WINDOWS_FORBIDDEN = frozenset('<>:"/\\|?*')
# Checked against the part before the first dot, case-insensitively, as Windows does: "con.pdf"
# and "CON.tar.gz" both open the console device.
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")}
)
_DOTS = re.compile(r"\.{2,}")
# " (1/5)": the part of a split request, as the web app appends it at the end of the reference
# (web/src/options.js). A slash may not stay in a file name, and dropped it would read "(15)":
# it becomes "1 van 5". Only that part: a date the reference holds ("18/06/2026") is no part.
_PART_OF = re.compile(r"\((\d+)\s*/\s*(\d+)\)\s*$")
# Any other slash separates words ("EHBO/BHV"): dropped, it would glue them together.
_SLASHES = re.compile(r"[/\\]+")
_TRIM = "._- "


def clean_part(text: str, separator: str = "_") -> str:
    """One file-name part: NFC, whitespace runs as `separator`, unsafe characters dropped.

    Whitespace of any kind (tab, no-break space, line separator) separates words, so it becomes
    the separator rather than gluing words together; every other control, format (bidi, zero
    width), private-use or unassigned character is dropped, as are the characters Windows forbids.
    """
    words: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char.isspace():
            if current:
                words.append("".join(current))
                current = []
        elif char not in _WINDOWS_FORBIDDEN and not is_invisible(char):
            current.append(char)
    if current:
        words.append("".join(current))
    # A run of dots is harmless without separators, but ".." must never reach a ZIP entry.
    return _DOTS.sub(".", separator.join(words)).strip(_TRIM)


def _safe_stem(stem: str) -> str:
    if stem.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_DEVICES:
        return f"_{stem}"
    return stem


def _truncate_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` within `max_bytes`, not ending inside a letter+mark pair."""
    if max_bytes <= 0:
        return ""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    cut = encoded[:max_bytes].decode("utf-8", errors="ignore")
    # A combining mark belongs to the letter before it. If the cut falls between them, the
    # letter goes too: "ą" without its acute would be another letter.
    while cut and unicodedata.combining(text[len(cut)]):
        cut = cut[:-1]
    return cut.rstrip(_TRIM)


def _entry_name(p: Pass, suffix: str = "") -> str:
    number = clean_part(p.qualification_number)
    tail_parts = [clean_part(p.qualification.code), clean_part(p.qualification.type.value)]
    tail = "_".join(part for part in tail_parts if part)
    ending = f"{suffix}.pdf"
    fixed = "_".join(part for part in (number, tail) if part)
    # Only the holder's name gives way to the byte limit: the number, code and type identify it.
    # 3 = the two "_" around the name and a spare byte for the "_" _safe_stem may prepend.
    room = MAX_ENTRY_BYTES - len(fixed.encode("utf-8")) - len(ending.encode("utf-8")) - 3
    name = _truncate_utf8(clean_part(p.name), room)
    stem = "_".join(part for part in (number, name, tail) if part) or "pasje"
    # Only cuts when the number, code and type alone are too long: never in practice.
    stem = _truncate_utf8(stem, MAX_ENTRY_BYTES - len(ending.encode("utf-8")) - 1)
    return _safe_stem(stem) + ending


def pass_entry_name(p: Pass) -> str:
    """`{qualificationNumber}_{name}_{code}_{type}.pdf`.

    For example `99600953_Dhr._TEST_de_Tester_DEH_Diploma.pdf`.
    """
    return _entry_name(p)


def unique_entry_names(passes: Sequence[Pass]) -> list[str]:
    """The entry names in the order of `passes`, with `_2`, `_3`, ... before `.pdf` on a clash.

    Clashes are found case-insensitively: Windows and macOS unzip into case-insensitive folders,
    where `Jan.pdf` and `JAN.pdf` would overwrite each other.
    """
    taken: set[str] = set()
    next_suffix: dict[str, int] = {}
    names: list[str] = []
    for p in passes:
        name = _entry_name(p)
        base_key = name.casefold()
        n = next_suffix.get(base_key, 1)
        while name.casefold() in taken:
            n += 1
            name = _entry_name(p, f"_{n}")
        next_suffix[base_key] = n
        taken.add(name.casefold())
        names.append(name)
    return names


def zip_file_name(reference: str | None, created_at: datetime) -> str:
    """`digitale-pasjes_28-11-2026.zip`, or `digitale-pasjes_Cursus-maart_28-11-2026.zip`.

    The reference gets the same cleaning as an entry name, with `-` between its words so the
    `_` keeps separating the name's three parts; the part of a split request survives
    ("Cursus (1/5)" → `Cursus-(1-van-5)`); any other slash separates words ("Training
    18/06/2026" → `Training-18-06-2026`). The date is `created_at`'s own calendar date.
    """
    day = created_at.strftime("%d-%m-%Y")
    ending = f"_{day}.zip"
    budget = MAX_ENTRY_BYTES - len(ZIP_PREFIX) - len(ending) - 1
    spelled = _SLASHES.sub(" ", _PART_OF.sub(r"(\1 van \2)", reference or ""))
    ref = _truncate_utf8(clean_part(spelled, separator="-"), budget)
    return "_".join(part for part in (ZIP_PREFIX, ref) if part) + ending
