"""A pass as a one-page PDF the size of a bank card, made with reportlab.

`draw_pass` lays out one card (see `layout`); `PassRenderer` turns the passes of one request
into PDFs, with the request's font built once (see `font`) and, given the request's
`PassLinks`, every pass's QR code of `{origin}/v/{code}` (see `qr`), and given its issuer, who
issued the passes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from pasjes.domain import Pass, QualificationType
from pasjes.logic.verification import PassLinks
from pasjes.render.font import FONT_NAME, drawing_with, request_encoding
from pasjes.render.layout import (
    ACCENT,
    CARD_HEIGHT,
    CARD_WIDTH,
    CHECK_MIN_SIZE,
    CHECK_SIZE,
    CODE_FIRST_LINE,
    CODE_LABEL_SIZE,
    CODE_LINE_STEP,
    CODE_SIZE,
    FIXED_TEXT,
    FOOT_BASELINE,
    FOOT_LINE_STEP,
    HEADER,
    INK,
    ISSUED_BY,
    ISSUER_SIZE,
    LABEL_BIRTH,
    LABEL_CHECK,
    LABEL_CODE,
    LABEL_EXAM,
    LABEL_EXPIRY,
    LABEL_EXTERNAL,
    LABEL_MODULES,
    LABEL_NUMBER,
    MARGIN,
    MODULE_SEPARATOR,
    MODULES_BASELINE,
    MUTED,
    QR_SIZE,
    QR_ZONE,
    CardText,
    display_text,
    fit_text,
    format_date,
    own_text,
)
from pasjes.render.qr import draw_qr

PRODUCER = "Pasjesportaal"
# A page's stream compressed only: reportlab's default also writes it out in ASCII85, which no
# reader needs and which costs a quarter more of its bytes and about 5% of a pass's time.
rl_config.useA85 = 0


def check_address(url: str) -> str:
    """Where a checker types the code: the check page of a pass's link, without the scheme
    ("https://pasjes.example.nl/v/ABC…" → "pasjes.example.nl/v")."""
    return url.split("://", 1)[-1].rsplit("/", 1)[0]


def _draw_code(text: CardText, font: str, code: str) -> None:
    """Under the QR code, centred on it: "Code:" and the code, for a checker who cannot scan."""
    centre = QR_ZONE[0] + QR_SIZE / 2
    lines = [
        (LABEL_CODE, CODE_LABEL_SIZE, MUTED),
        (code[:CODE_FIRST_LINE], CODE_SIZE, INK),
        (code[CODE_FIRST_LINE:], CODE_SIZE, INK),
    ]
    baseline = QR_ZONE[1] - 7.0
    for line, size, colour in lines:
        line_width = pdfmetrics.stringWidth(line, font, size)
        text.write(centre - line_width / 2, baseline, line, size, colour)
        baseline -= CODE_LINE_STEP


def _draw_foot(
    text: CardText, font: str, width: float, url: str | None, issuer: str | None
) -> None:
    """The foot's full-width lines, from the bottom up: "Uitgegeven door" the issuer, and
    "Controleer:" the check page's address, on one line whatever the host."""
    baseline = FOOT_BASELINE
    if issuer:
        line = f"{ISSUED_BY} {display_text(issuer)}"
        size, lines = fit_text(line, font, width, ISSUER_SIZE, 4.0)
        text.write(MARGIN, baseline, lines[0], size, MUTED)
        baseline += FOOT_LINE_STEP
    if url is not None:
        label = f"{LABEL_CHECK} "
        address = check_address(url)
        size, _ = fit_text(label + address, font, width, CHECK_SIZE, CHECK_MIN_SIZE)
        text.write(MARGIN, baseline, LABEL_CHECK, size, MUTED)
        offset = pdfmetrics.stringWidth(label, font, size)
        text.write(MARGIN + offset, baseline, address, size)


def draw_pass(
    c: Canvas,
    p: Pass,
    font: str,
    *,
    verification: tuple[str, str] | None = None,
    issuer: str | None = None,
) -> None:
    """Draws `p` on a card-sized page in the registered font `font`, drawing only characters of
    FIXED_TEXT, `own_text(p)`, the issuer and the check page's address.

    The qualification and the holder's name are emphasised by stroking `font` (a second face
    would double the font bytes in every PDF). `verification` is (code, url): the QR code of
    the url goes in the top-right square with the code under it, the check page's address at
    the foot. `issuer` (the registry's or the organisation's name) is printed at the foot too.
    """
    width = CARD_WIDTH - 2 * MARGIN
    beside_qr = QR_ZONE[0] - 6.0 - MARGIN

    c.setFillColorRGB(*ACCENT)
    c.rect(0, 0, 5.0, CARD_HEIGHT, stroke=0, fill=1)
    c.setStrokeColorRGB(*INK)
    c.setLineWidth(0.4)
    text = CardText(c, font)
    text.write(MARGIN, CARD_HEIGHT - 17.0, HEADER, 6.5, ACCENT)

    size, lines = fit_text(display_text(p.qualification.name), font, beside_qr, 11.0, 8.0, 2)
    y = CARD_HEIGHT - 31.0
    for line in lines:
        text.write(MARGIN, y, line, size, bold=True)
        y -= size * 1.15
    text.write(MARGIN, y - 1.5, display_text(p.qualification.type.value), 7.5, MUTED)

    # Beside the QR column too: the code printed under the QR code reaches down to the name.
    size, lines = fit_text(display_text(p.name), font, beside_qr, 12.0, 7.0, 2)
    y = CARD_HEIGHT - (67.0 if len(lines) == 1 else 63.0)
    for line in lines:
        text.write(MARGIN, y, line, size, bold=True)
        y -= size * 1.15

    column = width / 3
    cell = column - 4.0
    row1, row2 = CARD_HEIGHT - 82.0, CARD_HEIGHT - 103.0
    text.field(MARGIN, row1, LABEL_NUMBER, display_text(p.qualification_number), cell)
    text.field(MARGIN + column, row1, LABEL_BIRTH, format_date(p.birth_date), cell)
    text.field(MARGIN, row2, LABEL_EXAM, format_date(p.qualification.exam_date), cell)
    # No expiry date (the registry gives none): "-", as the portal shows it.
    expiry = p.qualification.expiry_date
    text.field(MARGIN + column, row2, LABEL_EXPIRY, format_date(expiry) if expiry else "-", cell)
    # In the second row: the first row's third column lies under the QR code's check lines.
    external = display_text(p.external_number or "")
    if external:
        text.field(MARGIN + 2 * column, row2, LABEL_EXTERNAL, external, cell)

    modules = [display_text(m.name) for m in p.modules]
    if p.qualification.type is QualificationType.DIPLOMA and modules:
        # The label leads the first line (in its colour), so the foot keeps two lines' room.
        label = f"{LABEL_MODULES}:"
        listed = f"{label} {MODULE_SEPARATOR.join(modules)}"
        size, lines = fit_text(listed, font, width, 7.0, 6.0, 2)
        text.write(MARGIN, MODULES_BASELINE, label, size, MUTED)
        first = lines[0].removeprefix(label).lstrip()
        indent = pdfmetrics.stringWidth(f"{label} ", font, size)
        text.write(MARGIN + indent, MODULES_BASELINE, first, size)
        for i, line in enumerate(lines[1:], start=1):
            text.write(MARGIN, MODULES_BASELINE - i * (size + 1.5), line, size)
    if verification is not None:
        _draw_code(text, font, verification[0])
    _draw_foot(text, font, width, verification[1] if verification else None, issuer)
    text.draw(c)
    if verification is not None:
        draw_qr(c, verification[1])


class PassRenderer:
    """Renders the passes of one request. Build it once per request, then `render` each pass.

    Building it makes the request's font objects (a few milliseconds), cached by character
    set so a redelivered request reuses them. With `links`, every pass carries its QR code.
    """

    def __init__(
        self, passes: Iterable[Pass], links: PassLinks | None = None, issuer: str | None = None
    ) -> None:
        self._links = links
        self._issuer = issuer
        # Beside the passes' own text: the check page's address and the issuer's name.
        extra = display_text(issuer or "")
        if links is not None:
            extra += check_address(links.url(""))
        self._encoding = request_encoding(FIXED_TEXT + extra + "".join(own_text(p) for p in passes))

    def render(self, p: Pass) -> bytes:
        """One pass as a PDF. `p` must be one of the passes the renderer was built with."""
        if not set(map(ord, set(own_text(p)))) <= self._encoding.chars:
            raise ValueError("pass is not part of the request this renderer was built for")
        out = io.BytesIO()
        with drawing_with(self._encoding):
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
            draw_pass(c, p, FONT_NAME, verification=verification, issuer=self._issuer)
            c.showPage()
            c.save()
        return out.getvalue()


def render_pass(p: Pass, links: PassLinks | None = None, issuer: str | None = None) -> bytes:
    """A single pass, for when there is no request around it."""
    return PassRenderer([p], links, issuer).render(p)
