"""A pass as a one-page PDF the size of a bank card (ID-1), made with reportlab.

Text is set in DejaVu Sans (the committed subset in `fonts/`, see infra/make_font.py), so names
in any European script render, and stays real text: a PDF text extractor reads it back.

Why the font is embedded the way it is
--------------------------------------
A request is up to 250 one-page PDFs that share almost every character. reportlab's own way
(register a TTF once per process, let each document subset it) builds, compresses and writes a
font subset for every pass: with the full DejaVu Sans and Sans Bold that is about four times
the cost of the rest of the page (bench/render.py, naive against plain). Dropping hinting and
layout tables from the font (infra/make_font.py) more than halves that work. Subsetting it
further per request with fontTools gains nothing measurable: what remains is reportlab's
per-document work, which depends on the glyphs a page uses, not on the size of the font.

So that work is done once per request. `PassRenderer` gives the characters of all the request's
passes one fixed encoding and builds that subset's font program, widths and ToUnicode map once,
as finished PDF objects. Every pass's PDF carries those bytes as they are, so a pass costs about
what one set in base-14 Helvetica costs. The price: each PDF embeds the request's characters,
not only its own: ~7.5 KB per pass for a request of Dutch names, ~11.5 KB when the names also
use Greek, Cyrillic and Vietnamese letters. (A request of several hundred distinct characters
would pass 15 KB.)

One face: a bold face would double the font bytes in every PDF, so the two lines that stand
out, qualification and holder's name, are filled and lightly stroked instead.

The QR code
-----------
Given the request's `PassLinks`, every pass carries a QR code of `{origin}/v/{code}` in the
card's top-right square, its code printed under it, and the square is a link on screen.
zxing-cpp (compiled) encodes it in well under a millisecond, where reportlab's own QR widget
costs tens of milliseconds a pass. The modules are drawn as one filled path, one rectangle per
run of dark modules in a row, in a coordinate system of one unit per module: a few hundred
short `re` operators that compress to about a kilobyte.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
import zlib
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal
from weakref import WeakKeyDictionary

import zxingcpp
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.pdfdoc import xObjectName
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    TTFontFace,
    makeToUnicodeCMap,
)
from reportlab.pdfgen.canvas import Canvas

from pasjes.domain import Pass, QualificationType
from pasjes.logic.verification import ALPHABET, PassLinks
from pasjes.text import is_invisible

CARD_WIDTH = 85.60 * mm
CARD_HEIGHT = 53.98 * mm
FONT_FILE = Path(__file__).parent / "fonts" / "DejaVuSans-subset.ttf"
FONT_NAME = "PasjesSans"
PRODUCER = "Pasjesportaal"

HEADER = "Digitaal pasje"
LABEL_NUMBER = "Kwalificatienummer"
LABEL_BIRTH = "Geboortedatum"
LABEL_EXAM = "Examendatum"
LABEL_EXPIRY = "Vervaldatum"
LABEL_EXTERNAL = "Extern nummer"
LABEL_MODULES = "Modules"
ELLIPSIS = "…"
_MODULE_SEPARATOR = ", "
# Everything the layout writes besides the pass's own data: labels, date digits, separators.
_FIXED_TEXT = (
    " ".join(
        (HEADER, LABEL_NUMBER, LABEL_BIRTH, LABEL_EXAM, LABEL_EXPIRY, LABEL_EXTERNAL, LABEL_MODULES)
    )
    + f"0123456789-{ELLIPSIS}{_MODULE_SEPARATOR}{ALPHABET}"
)

# Layout, in points. The card's top-right square is kept clear for a QR code.
MARGIN = 12.0
QR_SIZE = 48.0
QR_MARGIN = 8.0
QR_ZONE = (CARD_WIDTH - QR_MARGIN - QR_SIZE, CARD_HEIGHT - QR_MARGIN - QR_SIZE)
"""Lower-left corner of the QR square; the square runs to QR_MARGIN from the top-right corner."""
# The verification code is printed under the QR code in two lines of this size.
CODE_SIZE = 5.0
_CODE_FIRST_LINE = 12
_DARK_RUNS = re.compile(rb"\x00+")
_ACCENT = (0.91, 0.40, 0.05)
_INK = (0.10, 0.10, 0.10)
_MUTED = (0.40, 0.40, 0.40)


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


def pass_text(p: Pass) -> str:
    """Every character `draw_pass` may draw for `p`."""
    return _FIXED_TEXT + _own_text(p)


def _own_text(p: Pass) -> str:
    parts = [
        p.qualification.name,
        p.qualification.type.value,
        p.name,
        p.qualification_number,
        p.external_number or "",
        *(m.name for m in p.modules),
    ]
    return "".join(display_text(part) for part in parts)


# --- layout -------------------------------------------------------------------------------


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


_Colour = tuple[float, float, float]


class _CardText:
    """All of a card's text in one PDF text object, switching font size and colour only on change.

    One BT..ET block instead of one per string keeps the page's content stream and the work of
    building it small; that work is most of what a pass costs once the font is prebuilt.
    """

    def __init__(self, c: Canvas, font: str, bold_font: str | None) -> None:
        self._text = c.beginText()
        self._font = font
        self._bold_font = bold_font
        self._current = ("", 0.0)
        self._colour: _Colour | None = None
        self._mode = 0

    def write(
        self, x: float, y: float, text: str, size: float, colour: _Colour = _INK, bold: bool = False
    ) -> None:
        face = self._bold_font if bold and self._bold_font else self._font
        if (face, size) != self._current:
            self._text.setFont(face, size)
            self._current = (face, size)
        if colour != self._colour:
            self._text.setFillColorRGB(*colour)
            self._colour = colour
        # Without a bold face, fill plus a hairline stroke reads as semi-bold.
        mode: Literal[0, 2] = 2 if bold and not self._bold_font else 0
        if mode != self._mode:
            self._text.setTextRenderMode(mode)
            self._mode = mode
        self._text.setTextOrigin(x, y)
        self._text.textOut(text)

    def field(self, x: float, y: float, label: str, value: str, width: float) -> None:
        self.write(x, y, label, 5.5, _MUTED)
        size, lines = fit_text(value, self._font, width, 8.0, 5.0)
        self.write(x, y - 9.0, lines[0], size)

    def draw(self, c: Canvas) -> None:
        c.drawText(self._text)


# Error correction M (15%) suits a printed card. A fixed data mask: letting the encoder score all
# eight masks costs about five times the rest of the encoding, and any mask scans.
# ("version=1" is the smallest size allowed; the encoder still picks the size the URL needs.)
_QR_OPTIONS = "version=1,dataMask=2"
_QR_FORM = "qr"


class _RunOperators(dict[tuple[int, int], str]):
    """The span of a run of dark modules in a QR image's bytes -> that run as a PDF rectangle,
    one unit a module, from the symbol's top-left. Filled as runs occur and kept per image size:
    formatting every run of every pass would cost more than encoding the QR code."""

    def __init__(self, width: int, quiet: int) -> None:
        super().__init__()
        self._width = width
        self._quiet = quiet

    def __missing__(self, span: tuple[int, int]) -> str:
        row, x = divmod(span[0], self._width)
        operator = self[span] = f"{x - self._quiet} {row - self._quiet} {span[1] - span[0]} 1 re"
        return operator


@functools.cache
def _run_operators(width: int, quiet: int) -> _RunOperators:
    return _RunOperators(width, quiet)


def qr_path(url: str) -> tuple[int, str]:
    """`url` as a QR code: its size in modules, and its dark modules as path operators, one
    rectangle per run of dark modules in a row, rows counted from the top."""
    barcode = zxingcpp.create_barcode(
        url, zxingcpp.BarcodeFormat.QRCode, ec_level="M", options=_QR_OPTIONS
    )
    # With its quiet zone, a run never reaches from one row into the next, so one pass of the
    # regular expression over the whole image finds every run, without a Python loop per row.
    image = barcode.to_image(scale=1, add_quiet_zones=True)
    width = int(image.shape[1])
    # One byte a module, row by row: 0 dark, 255 light. (The stub omits Image's buffer protocol.)
    modules = memoryview(image).tobytes()  # type: ignore[arg-type]
    # The first dark module is the top-left corner of the top-left finder pattern.
    quiet = modules.index(0) % width
    runs = map(re.Match.span, _DARK_RUNS.finditer(modules))
    return width - 2 * quiet, " ".join(map(_run_operators(width, quiet).__getitem__, runs))


def draw_qr(c: Canvas, url: str) -> None:
    """`url` as a QR code filling the QR square, as one filled path, and a link on it (`url` is
    URL characters only: our origin and a code).

    The path goes into a form XObject whose stream this function compresses itself: through the
    page's content stream, reportlab would pass its few kilobytes through a Python-level
    character map before compressing them, which costs more than encoding the QR code.
    """
    size, path = qr_path(url)
    data = zlib.compress(f"0 g {path} f".encode("ascii"))
    head = (
        f"<< /Type /XObject /Subtype /Form /BBox [0 0 {size} {size}] /Filter /FlateDecode"
        f" /Length {len(data)} >>\nstream\n"
    )
    # Prebuilt objects, as the request's font objects are; the stubs omit the document.
    canvas: Any = c
    canvas._doc.Reference(
        _Serialised(head.encode("ascii") + data + b"\nendstream\n"), xObjectName(_QR_FORM)
    )
    x, y = QR_ZONE
    # One unit a module, rows counted down from the square's top edge.
    c.saveState()
    c.transform(QR_SIZE / size, 0, 0, -QR_SIZE / size, x, y + QR_SIZE)
    c.doForm(_QR_FORM)
    c.restoreState()
    # A link over the square, for a pass opened on a phone. Written out, as reportlab's linkURL
    # builds the same few objects through dictionaries at several times the cost.
    target = url.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    link = (
        f"<< /Type /Annot /Subtype /Link /Rect [{fp_str(x, y, x + QR_SIZE, y + QR_SIZE)}]"
        f" /Border [0 0 0] /A << /S /URI /URI ({target}) >> >>"
    )
    canvas._addAnnotation(_Serialised(link.encode("latin-1")))


def draw_pass(
    c: Canvas,
    p: Pass,
    font: str,
    bold_font: str | None = None,
    *,
    verification: tuple[str, str] | None = None,
) -> None:
    """Draws `p` on a card-sized page in the registered font `font`. Only draws `pass_text(p)`.

    The qualification and the holder's name are emphasised: in `bold_font` when given,
    otherwise by stroking `font` (what the passes do: a second face would double the font
    bytes in every PDF). `verification` is (code, url): the QR code of the url goes in the
    top-right square, the code under it.
    """
    emphasis = bold_font or font
    width = CARD_WIDTH - 2 * MARGIN
    beside_qr = QR_ZONE[0] - 6.0 - MARGIN

    c.setFillColorRGB(*_ACCENT)
    c.rect(0, 0, 5.0, CARD_HEIGHT, stroke=0, fill=1)
    c.setStrokeColorRGB(*_INK)
    c.setLineWidth(0.4)
    text = _CardText(c, font, bold_font)
    text.write(MARGIN, CARD_HEIGHT - 17.0, HEADER, 6.5, _ACCENT)

    size, lines = fit_text(display_text(p.qualification.name), emphasis, beside_qr, 11.0, 8.0, 2)
    y = CARD_HEIGHT - 31.0
    for line in lines:
        text.write(MARGIN, y, line, size, bold=True)
        y -= size * 1.15
    text.write(MARGIN, y - 1.5, display_text(p.qualification.type.value), 7.5, _MUTED)

    # Beside the QR column too: the code printed under the QR code reaches down to the name.
    size, lines = fit_text(display_text(p.name), emphasis, beside_qr, 12.0, 7.0, 2)
    y = CARD_HEIGHT - (67.0 if len(lines) == 1 else 63.0)
    for line in lines:
        text.write(MARGIN, y, line, size, bold=True)
        y -= size * 1.15

    column = width / 3
    cell = column - 4.0
    row1, row2 = CARD_HEIGHT - 82.0, CARD_HEIGHT - 103.0
    text.field(MARGIN, row1, LABEL_NUMBER, display_text(p.qualification_number), cell)
    text.field(MARGIN + column, row1, LABEL_BIRTH, format_date(p.birth_date), cell)
    external = display_text(p.external_number or "")
    if external:
        text.field(MARGIN + 2 * column, row1, LABEL_EXTERNAL, external, cell)
    text.field(MARGIN, row2, LABEL_EXAM, format_date(p.qualification.exam_date), cell)
    text.field(MARGIN + column, row2, LABEL_EXPIRY, format_date(p.qualification.expiry_date), cell)

    modules = [display_text(m.name) for m in p.modules]
    if p.qualification.type is QualificationType.DIPLOMA and modules:
        text.write(MARGIN, 30.0, LABEL_MODULES, 5.5, _MUTED)
        size, lines = fit_text(_MODULE_SEPARATOR.join(modules), font, width, 7.0, 6.0, 2)
        for i, line in enumerate(lines):
            text.write(MARGIN, 21.5 - i * (size + 1.5), line, size)
    if verification is not None:
        code = verification[0]
        centre = QR_ZONE[0] + QR_SIZE / 2
        for i, part in enumerate((code[:_CODE_FIRST_LINE], code[_CODE_FIRST_LINE:])):
            part_width = pdfmetrics.stringWidth(part, font, CODE_SIZE)
            baseline = QR_ZONE[1] - 6.5 - i * (CODE_SIZE + 1.5)
            text.write(centre - part_width / 2, baseline, part, CODE_SIZE, _MUTED)
    text.draw(c)
    if verification is not None:
        draw_qr(c, verification[1])


# --- the request's font ---------------------------------------------------------------------


def _stream_object(data: bytes, **entries: int) -> bytes:
    """A complete stream object body, its content already Flate-compressed."""
    extra = "".join(f" /{key} {value}" for key, value in entries.items())
    head = f"<< /Filter /FlateDecode /Length {len(data)}{extra} >>\nstream\n".encode("ascii")
    return head + data + b"\nendstream\n"


@dataclass(frozen=True)
class _Subset:
    """One <=256-code slice of a request's encoding, as PDF bytes made once per request.

    The two streams are whole objects. The dictionaries lack only what differs per document,
    the object numbers they point to and the resource name, which `addObjects` appends.
    """

    font_file: bytes
    to_unicode: bytes
    descriptor_head: bytes
    font_head: bytes


class _NotdefTable(dict[int, str]):
    """A `str.translate` table that sends characters it does not know to code 0, .notdef."""

    def __missing__(self, key: int) -> str:
        return "\0"


@dataclass(frozen=True)
class _Encoding:
    """The codes of one request's characters, and the PDF font objects that go with them."""

    chars: frozenset[int]
    codes: dict[int, tuple[int, int]]
    subsets: tuple[_Subset, ...]
    # With one slice (up to 255 characters: any realistic request) a string encodes in one
    # C-level translate instead of a Python loop per character.
    single: _NotdefTable | None


def _build_subset(face: TTFontFace, n: int, unicodes: list[int]) -> _Subset:
    """What reportlab's TTFont.addObjects makes per document, made once: same objects, same keys."""
    base_font_name = (SUBSETN(n) + b"+" + face.name).decode("ascii")
    program = face.makeSubset(unicodes)
    to_unicode = makeToUnicodeCMap(base_font_name, unicodes).encode("ascii")
    widths = fp_str(*(face.charWidths.get(ch, face.defaultWidth) for ch in unicodes))
    flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
    descriptor = (
        f"<< /Type /FontDescriptor /FontName /{base_font_name} /Flags {flags}"
        f" /Ascent {fp_str(face.ascent)} /CapHeight {fp_str(face.capHeight)}"
        f" /Descent {fp_str(face.descent)} /FontBBox [{fp_str(*face.bbox)}]"
        f" /ItalicAngle {fp_str(face.italicAngle)} /StemV {fp_str(face.stemV)}"
        f" /MissingWidth {fp_str(face.defaultWidth)} /FontFile2 "
    )
    font = (
        f"<< /Type /Font /Subtype /TrueType /BaseFont /{base_font_name}"
        f" /FirstChar 0 /LastChar {len(unicodes) - 1} /Widths [{widths}]"
    )
    return _Subset(
        font_file=_stream_object(zlib.compress(program), Length1=len(program)),
        to_unicode=_stream_object(zlib.compress(to_unicode)),
        descriptor_head=descriptor.encode("ascii"),
        font_head=font.encode("ascii"),
    )


def _build_encoding(face: TTFontFace, chars: frozenset[int]) -> _Encoding:
    # Code 0 of each slice is .notdef; characters the font lacks map to it and show as a box.
    known = sorted(ch for ch in chars if ch in face.charToGlyph and ch != 0)
    slices = [[0, *known[i : i + 255]] for i in range(0, len(known), 255)] or [[0]]
    codes = {ch: (n, code) for n, sl in enumerate(slices) for code, ch in enumerate(sl) if ch}
    single = None
    if len(slices) == 1:
        single = _NotdefTable({ch: chr(code) for ch, (_, code) in codes.items()})
    return _Encoding(
        chars=chars,
        codes=codes,
        subsets=tuple(_build_subset(face, n, sl) for n, sl in enumerate(slices)),
        single=single,
    )


class _Serialised(pdfdoc.PDFObject):
    """An indirect object whose bytes are already made (passes are never encrypted)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def format(self, document: Any) -> bytes:
        return self._data


_ACTIVE: ContextVar[_Encoding] = ContextVar("pasjes_active_encoding")


@dataclass
class _DocState:
    encoding: _Encoding
    internal_name: str | None = None
    used: set[int] = field(default_factory=set)


class _RequestEncodedFont(TTFont):
    """DejaVu Sans whose PDF encoding is fixed per request (see the module docstring).

    reportlab asks a font three things per document: the codes for a string (`splitString`),
    the resource name for a slice (`getSubsetInternalName`) and, on save, its objects
    (`addObjects`). Those three are answered from the request's prebuilt `_Encoding`, which
    `PassRenderer.render` makes active for the document it draws.
    """

    def __init__(self, name: str, path: Path) -> None:
        super().__init__(name, str(path), asciiReadable=False)
        self._docs: WeakKeyDictionary[Any, _DocState] = WeakKeyDictionary()

    def _state(self, doc: Any) -> _DocState:
        state = self._docs.get(doc)
        if state is None:
            try:
                encoding = _ACTIVE.get()
            except LookupError:
                raise RuntimeError(f"{self.fontName} is drawn through PassRenderer only") from None
            state = self._docs[doc] = _DocState(encoding)
        return state

    def splitString(  # noqa: N802 - reportlab's name
        self, text: str, doc: Any, encoding: str = "utf-8"
    ) -> list[tuple[int, bytes]]:
        active = self._state(doc).encoding
        if active.single is not None:
            return [(0, text.translate(active.single).encode("latin-1"))]
        codes = active.codes
        runs: list[tuple[int, bytes]] = []
        current_subset, current = -1, bytearray()
        for ch in text:
            subset, code = codes.get(ord(ch), (0, 0))
            if subset != current_subset and current:
                runs.append((current_subset, bytes(current)))
                current = bytearray()
            current_subset = subset
            current.append(code)
        if current:
            runs.append((current_subset, bytes(current)))
        return runs

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:  # noqa: N802 - reportlab's
        state = self._state(doc)
        if state.internal_name is None:
            state.internal_name = f"F{len(doc.fontMapping) + 1}"
            doc.fontMapping[self.fontName] = f"/{state.internal_name}"
            doc.delayedFonts.append(self)
        state.used.add(subset)
        return f"/{state.internal_name}+{subset}"

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - reportlab's name
        state = self._docs.pop(doc)
        fonts = doc.idToObject["BasicFonts"].dict

        def add(data: bytes, name: str | None = None) -> bytes:
            # Registering gives the object its number, so the reference can be written now.
            reference: bytes = doc.Reference(_Serialised(data), name).format(doc)
            return reference

        for n in sorted(state.used):
            prebuilt = state.encoding.subsets[n]
            internal_name = f"{state.internal_name}+{n}"
            font_file = add(prebuilt.font_file)
            to_unicode = add(prebuilt.to_unicode)
            descriptor = add(prebuilt.descriptor_head + font_file + b" >>")
            tail = f" /Name /{internal_name} /FontDescriptor {descriptor.decode()}"
            tail += f" /ToUnicode {to_unicode.decode()} >>"
            add(prebuilt.font_head + tail.encode("ascii"), internal_name)
            fonts[internal_name] = pdfdoc.PDFObjectReference(internal_name)


@functools.cache
def _pass_font() -> _RequestEncodedFont:
    """Parsed and registered once per process: parsing the TTF is the slow part of a font."""
    font = _RequestEncodedFont(FONT_NAME, FONT_FILE)
    pdfmetrics.registerFont(font)
    # reportlab registers one object per face name and quietly aliases later ones to it.
    registered: object = pdfmetrics.getFont(FONT_NAME)
    if registered is not font:
        raise RuntimeError(f"another font already registered the face of {FONT_NAME}")
    return font


@functools.lru_cache(maxsize=8)
def _encoding_for(chars: frozenset[int]) -> _Encoding:
    return _build_encoding(_pass_font().face, chars)


class PassRenderer:
    """Renders the passes of one request. Build it once per request, then `render` each pass.

    Building it makes the request's font objects (a few milliseconds), cached by character
    set so a redelivered request reuses them. With `links`, every pass carries its QR code.
    """

    def __init__(self, passes: Iterable[Pass], links: PassLinks | None = None) -> None:
        _pass_font()
        self._links = links
        text = _FIXED_TEXT + "".join(_own_text(p) for p in passes)
        self._encoding = _encoding_for(frozenset(map(ord, set(text))))

    def render(self, p: Pass) -> bytes:
        """One pass as a PDF. `p` must be one of the passes the renderer was built with."""
        if not set(map(ord, set(_own_text(p)))) <= self._encoding.chars:
            raise ValueError("pass is not part of the request this renderer was built for")
        out = io.BytesIO()
        token = _ACTIVE.set(self._encoding)
        try:
            # invariant: no creation time or random ID, so the same pass gives the same bytes.
            # initialFontName: otherwise every PDF also declares an unused Helvetica, which
            # costs ~20% of a pass. (types-reportlab types the parameter as a float, wrongly.)
            c = Canvas(
                out,
                pagesize=(CARD_WIDTH, CARD_HEIGHT),
                invariant=1,
                pageCompression=1,
                initialFontName=FONT_NAME,  # type: ignore[arg-type]
            )
            qualification, holder = display_text(p.qualification.name), display_text(p.name)
            c.setTitle(f"{HEADER}: {qualification}, {holder}")
            # reportlab's defaults would read "anonymous" and "unspecified" in a viewer.
            c.setAuthor(PRODUCER)
            c.setCreator(PRODUCER)
            c.setSubject(HEADER)
            verification = None
            if self._links is not None:
                code = self._links.code(p.qualification_number, p.qualification.code)
                verification = (code, self._links.url(code))
            draw_pass(c, p, FONT_NAME, verification=verification)
            c.showPage()
            c.save()
        finally:
            _ACTIVE.reset(token)
        return out.getvalue()


def render_pass(p: Pass, links: PassLinks | None = None) -> bytes:
    """A single pass, for when there is no request around it."""
    return PassRenderer([p], links).render(p)
