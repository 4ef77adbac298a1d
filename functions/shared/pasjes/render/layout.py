"""Where everything goes on the card, and text fitted to its place.

The card is the size of a bank card (ID-1). Its top-right square is kept for the QR code, with
under it the verification code ("Code:"); the rest of the page lays out the pass's own data, and
at the foot, on full-width lines, where to check the pass by hand ("Controleer:" the check
page's address, which never breaks: a host name cut in two reads as two addresses) and who
issued it ("Uitgegeven door").
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Literal

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from pasjes.domain import Pass
from pasjes.logic.verification import ALPHABET
from pasjes.text import is_invisible

CARD_WIDTH = 85.60 * mm
CARD_HEIGHT = 53.98 * mm

HEADER = "Digitaal pasje"
LABEL_NUMBER = "Kwalificatienummer"
LABEL_BIRTH = "Geboortedatum"
LABEL_EXAM = "Examendatum"
LABEL_EXPIRY = "Vervaldatum"
LABEL_EXTERNAL = "Extern nummer"
LABEL_MODULES = "Modules"
# Under the QR code, for a checker who cannot scan: where to go, and what to type there.
LABEL_CHECK = "Controleer:"
LABEL_CODE = "Code:"
ISSUED_BY = "Uitgegeven door"
ELLIPSIS = "…"
MODULE_SEPARATOR = ", "
# Everything the layout writes besides the pass's own data: labels, date digits, separators.
FIXED_TEXT = (
    " ".join(
        (
            HEADER,
            LABEL_NUMBER,
            LABEL_BIRTH,
            LABEL_EXAM,
            LABEL_EXPIRY,
            LABEL_EXTERNAL,
            LABEL_MODULES,
            LABEL_CHECK,
            LABEL_CODE,
            ISSUED_BY,
        )
    )
    + f"0123456789-{ELLIPSIS}{MODULE_SEPARATOR}{ALPHABET}"
)

# In points. The card's top-right square is kept clear for a QR code.
MARGIN = 12.0
QR_SIZE = 48.0
QR_MARGIN = 8.0
QR_ZONE = (CARD_WIDTH - QR_MARGIN - QR_SIZE, CARD_HEIGHT - QR_MARGIN - QR_SIZE)
"""Lower-left corner of the QR square; the square runs to QR_MARGIN from the top-right corner."""
# Under the QR code: the label and the code (in two lines of 12), centred on the QR code.
CODE_SIZE = 6.0
CODE_FIRST_LINE = 12
CODE_LABEL_SIZE = 5.0
CODE_LINE_STEP = 6.5
# The foot of the card, from the bottom up: who issued the pass, then the check page's address.
# Both lines run the card's full width; the address shrinks to CHECK_MIN_SIZE rather than wrap
# (at that size the line holds about 100 characters, more than any real host and "/v").
FOOT_BASELINE = 6.0
FOOT_LINE_STEP = 7.5
ISSUER_SIZE = 5.5
CHECK_SIZE = 6.0
CHECK_MIN_SIZE = 3.5
# Modules (a diploma's): the label and up to two lines, above the foot.
MODULES_BASELINE = 31.0

Colour = tuple[float, float, float]
ACCENT: Colour = (0.91, 0.40, 0.05)
INK: Colour = (0.10, 0.10, 0.10)
MUTED: Colour = (0.40, 0.40, 0.40)


def format_date(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def display_text(text: str) -> str:
    """Text as printed: NFC, whitespace runs as one space, invisible and control characters out.

    A bidi override or zero-width character has no glyph and would show as a box, or reorder
    what follows; a name never needs one.
    """
    composed = unicodedata.normalize("NFC", text)
    if not composed.isprintable():
        composed = "".join(
            " " if ch.isspace() else ch for ch in composed if ch.isspace() or not is_invisible(ch)
        )
    return " ".join(composed.split())


def own_text(p: Pass) -> str:
    """The characters of `p`'s own data the card may draw; FIXED_TEXT holds the rest."""
    parts = [
        p.qualification.name,
        p.qualification.type.value,
        p.name,
        p.qualification_number,
        p.external_number or "",
        *(m.name for m in p.modules),
    ]
    return "".join(display_text(part) for part in parts)


def _hard_break(word: str, font: str, size: float, width: float) -> list[str]:
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and pdfmetrics.stringWidth(current + ch, font, size) > width:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current] if current else pieces


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _hard_break(word, font, size, width)
        lines.extend(pieces[:-1])
        current = pieces[-1] if pieces else ""
    if current:
        lines.append(current)
    return lines


def _with_ellipsis(line: str, font: str, size: float, width: float) -> str:
    while line and pdfmetrics.stringWidth(line + ELLIPSIS, font, size) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def fit_text(
    text: str, font: str, width: float, size: float, min_size: float, max_lines: int = 1
) -> tuple[float, list[str]]:
    """The largest size down to `min_size` at which `text` fits `width` on one line.

    Below that, the text wraps at `min_size` over up to `max_lines`, the last cut with an
    ellipsis: a long name stays readable rather than shrinking to nothing.
    """
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > width:
        size = max(min_size, size - 0.5)
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return size, [text]
    lines = _wrap(text, font, size, width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _with_ellipsis(lines[max_lines - 1], font, size, width)]
    return size, lines


class CardText:
    """All of a card's text in one PDF text object, switching font size and colour only on change.

    One BT..ET block instead of one per string keeps the page's content stream and the work of
    building it small; that work is most of what a pass costs once the font is prebuilt.
    """

    def __init__(self, c: Canvas, font: str) -> None:
        self._text = c.beginText()
        self._font = font
        self._size = 0.0
        self._colour: Colour | None = None
        self._mode = 0

    def write(
        self, x: float, y: float, text: str, size: float, colour: Colour = INK, bold: bool = False
    ) -> None:
        if size != self._size:
            self._text.setFont(self._font, size)
            self._size = size
        if colour != self._colour:
            self._text.setFillColorRGB(*colour)
            self._colour = colour
        # One face only (see pasjes.render.font): fill plus a hairline stroke reads as semi-bold.
        mode: Literal[0, 2] = 2 if bold else 0
        if mode != self._mode:
            self._text.setTextRenderMode(mode)
            self._mode = mode
        self._text.setTextOrigin(x, y)
        self._text.textOut(text)

    def field(self, x: float, y: float, label: str, value: str, width: float) -> None:
        self.write(x, y, label, 5.5, MUTED)
        size, lines = fit_text(value, self._font, width, 8.0, 5.0)
        self.write(x, y - 9.0, lines[0], size)

    def draw(self, c: Canvas) -> None:
        c.drawText(self._text)
