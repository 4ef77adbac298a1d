"""The pass's QR code: `{origin}/v/{code}` in the card's top-right square, and a link on it.

zxing-cpp (compiled) encodes it in well under a millisecond, where reportlab's own QR widget
costs tens of milliseconds a pass. The modules are drawn as one filled path, one rectangle per
run of dark modules in a row, in a coordinate system of one unit per module: a few hundred
short `re` operators that compress to about a kilobyte. The path is a form XObject whose bytes
are written here, prebuilt as the request's font objects are.
"""

from __future__ import annotations

import functools
import re
import zlib
from typing import Any

import zxingcpp
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import xObjectName
from reportlab.pdfgen.canvas import Canvas

from pasjes.render.layout import QR_SIZE, QR_ZONE
from pasjes.render.prebuilt import Serialised

# Error correction M (15%) suits a printed card. A fixed data mask: letting the encoder score all
# eight masks costs about five times the rest of the encoding, and any mask scans.
# ("version=1" is the smallest size allowed; the encoder still picks the size the URL needs.)
_QR_OPTIONS = "version=1,dataMask=2"
_QR_FORM = "qr"
_DARK_RUNS = re.compile(rb"\x00+")


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
    # Level 1: a third of the default level's time for a fifth more bytes (about 0.2 KB a pass).
    data = zlib.compress(f"0 g {path} f".encode("ascii"), 1)
    head = (
        f"<< /Type /XObject /Subtype /Form /BBox [0 0 {size} {size}] /Filter /FlateDecode"
        f" /Length {len(data)} >>\nstream\n"
    )
    # Prebuilt objects, as the request's font objects are; the stubs omit the document.
    canvas: Any = c
    canvas._doc.Reference(
        Serialised(head.encode("ascii") + data + b"\nendstream\n"), xObjectName(_QR_FORM)
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
    canvas._addAnnotation(Serialised(link.encode("latin-1")))
