"""PDF objects whose bytes we write ourselves, where reportlab would build them slowly."""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase import pdfdoc


class Serialised(pdfdoc.PDFObject):
    """An indirect object whose bytes are already made (passes are never encrypted)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def format(self, document: Any) -> bytes:
        return self._data
