"""The pass's QR code: `{origin}/v/{code}` in the card's top-right square, and a link on it.

zxing-cpp (compiled) encodes it in well under a millisecond, where reportlab's own QR widget
costs tens of milliseconds a pass. The modules go into the PDF as an image mask, one bit a
module (about 250 bytes), painted in black and scaled to the square without smoothing (PDF's
default, /Interpolate false), so every module stays a sharp square; the image is written here
as a prebuilt object, as the request's font objects are. (A filled path of one rectangle per
run of dark modules looks the same, but cost a sixth of a pass's time and 1 KB more.)
"""

from __future__ import annotations

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
_QR_IMAGE = "qr"
# A module's byte in zxing's image (0 dark, 255 light) as a binary digit: 0 for a dark module,
# which an image mask paints.
_DIGITS = bytes.maketrans(b"\x00\xff", b"01")


def qr_mask(url: str) -> tuple[int, bytes]:
    """`url` as a QR code: its size in modules, and its modules one bit each, rows from the
    top, each row padded to whole bytes (as an image mask is laid out), 0 for a dark one."""
    barcode = zxingcpp.create_barcode(
        url, zxingcpp.BarcodeFormat.QRCode, ec_level="M", options=_QR_OPTIONS
    )
    # Without the quiet zone: the card's white around the square is one.
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = int(image.shape[1])
    # One byte a module, row by row. (The stub omits Image's buffer protocol.)
    digits = memoryview(image).tobytes().translate(_DIGITS)  # type: ignore[arg-type]
    pad = b"0" * (-size % 8)
    rows = pad.join(digits[start : start + size] for start in range(0, len(digits), size)) + pad
    # The rows' digits as one binary number: its bytes are the mask, without a loop per module.
    return size, int(rows, 2).to_bytes(len(rows) // 8, "big")


def draw_qr(c: Canvas, url: str) -> None:
    """`url` as a QR code filling the QR square, as an image mask, and a link on it (`url` is
    URL characters only: our origin and a code)."""
    size, data = qr_mask(url)
    head = (
        f"<< /Type /XObject /Subtype /Image /Width {size} /Height {size} /ImageMask true"
        f" /BitsPerComponent 1 /Length {len(data)} >>\nstream\n"
    )
    # Prebuilt objects, as the request's font objects are; the stubs omit the document.
    canvas: Any = c
    canvas._doc.Reference(
        Serialised(head.encode("ascii") + data + b"\nendstream\n"), xObjectName(_QR_IMAGE)
    )
    x, y = QR_ZONE
    # An image fills the unit square, its first row at the top.
    c.saveState()
    c.setFillGray(0)
    c.transform(QR_SIZE, 0, 0, QR_SIZE, x, y)
    # doForm draws any XObject by name: here the image.
    c.doForm(_QR_IMAGE)
    c.restoreState()
    # A link over the square, for a pass opened on a phone. Written out, as reportlab's linkURL
    # builds the same few objects through dictionaries at several times the cost.
    target = url.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    link = (
        f"<< /Type /Annot /Subtype /Link /Rect [{fp_str(x, y, x + QR_SIZE, y + QR_SIZE)}]"
        f" /Border [0 0 0] /A << /S /URI /URI ({target}) >> >>"
    )
    canvas._addAnnotation(Serialised(link.encode("latin-1")))
