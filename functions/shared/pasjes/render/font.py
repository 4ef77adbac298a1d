"""The passes' font: DejaVu Sans, its PDF objects built once per request.

Text is set in DejaVu Sans (the committed subset in `fonts/`, see infra/ops/make_font.py), so names
in any European script render, and stays real text: a PDF text extractor reads it back.

Why the font is embedded the way it is
--------------------------------------
A request is up to 250 one-page PDFs that share almost every character. reportlab's own way
(register a TTF once per process, let each document subset it) builds, compresses and writes a
font subset for every pass: with the full DejaVu Sans and Sans Bold that is about four times
the cost of the rest of the page (bench/render.py, naive against plain). Dropping hinting and
layout tables from the font (infra/ops/make_font.py) more than halves that work. Subsetting it
further per request with fontTools gains nothing measurable: what remains is reportlab's
per-document work, which depends on the glyphs a page uses, not on the size of the font.

So that work is done once per request. `request_encoding` gives the characters of all the
request's passes one fixed encoding and builds that subset's font program, widths and ToUnicode
map once, as finished PDF objects. Every pass's PDF carries those bytes as they are, so a pass
costs about what one set in base-14 Helvetica costs. The price: each PDF embeds the request's
characters, not only its own: ~7.5 KB per pass for a request of Dutch names, ~11.5 KB when the
names also use Greek, Cyrillic and Vietnamese letters. (A request of several hundred distinct
characters would pass 15 KB.)

One face: a bold face would double the font bytes in every PDF, so the two lines that stand
out, qualification and holder's name, are filled and lightly stroked instead.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    TTFontFace,
    makeToUnicodeCMap,
)

from pasjes.render.prebuilt import Serialised

FONT_FILE = Path(__file__).parent / "fonts" / "DejaVuSans-subset.ttf"
FONT_NAME = "PasjesSans"


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
class Encoding:
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


def _build_encoding(face: TTFontFace, chars: frozenset[int]) -> Encoding:
    # Code 0 of each slice is .notdef; characters the font lacks map to it and show as a box.
    known = sorted(ch for ch in chars if ch in face.charToGlyph and ch != 0)
    slices = [[0, *known[i : i + 255]] for i in range(0, len(known), 255)] or [[0]]
    codes = {ch: (n, code) for n, sl in enumerate(slices) for code, ch in enumerate(sl) if ch}
    single = None
    if len(slices) == 1:
        single = _NotdefTable({ch: chr(code) for ch, (_, code) in codes.items()})
    return Encoding(
        chars=chars,
        codes=codes,
        subsets=tuple(_build_subset(face, n, sl) for n, sl in enumerate(slices)),
        single=single,
    )


_ACTIVE: ContextVar[Encoding] = ContextVar("pasjes_active_encoding")


@dataclass
class _DocState:
    encoding: Encoding
    internal_name: str | None = None
    used: set[int] = field(default_factory=set)


class _RequestEncodedFont(TTFont):
    """DejaVu Sans whose PDF encoding is fixed per request (see the module docstring).

    reportlab asks a font three things per document: the codes for a string (`splitString`),
    the resource name for a slice (`getSubsetInternalName`) and, on save, its objects
    (`addObjects`). Those three are answered from the request's prebuilt `Encoding`, which
    `drawing_with` makes active for the document being drawn.
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
            reference: bytes = doc.Reference(Serialised(data), name).format(doc)
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
def _encoding_for(chars: frozenset[int]) -> Encoding:
    return _build_encoding(_pass_font().face, chars)


def request_encoding(text: str) -> Encoding:
    """The encoding of `text`'s characters, with its font objects (a few milliseconds), cached
    by character set so a redelivered request reuses them. Registers FONT_NAME on first use."""
    _pass_font()
    return _encoding_for(frozenset(map(ord, set(text))))


@contextmanager
def drawing_with(encoding: Encoding) -> Iterator[None]:
    """FONT_NAME encodes with `encoding` in the documents drawn and saved inside this block."""
    token = _ACTIVE.set(encoding)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
