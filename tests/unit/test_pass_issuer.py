"""What a pass says besides its holder's data: who issued it, and where and how to check it by
hand (the check page's address and the code, grouped under the QR code). Read from the PDF."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from pasjes.domain import Organisation
from pasjes.logic.render import issuer_of
from pasjes.logic.verification import PassLinks, code_for
from pasjes.render.font import FONT_NAME
from pasjes.render.renderer import check_address, render_pass
from pasjes.settings import get_settings
from tests.conftest import ENVIRONMENT
from tests.unit.test_render import EHK, KEYS, LINKS, LRH, make_pass, text_of


def positioned(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each piece of text with where it starts on the page (x, y in points)."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: object, tm: list[float], *_: object) -> None:
        if text.strip():
            found.append((text.strip(), tm[4], tm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


def test_a_pass_says_who_issued_it() -> None:
    text = text_of(render_pass(make_pass(), issuer="Het Oranje Kruis"))

    assert "Uitgegeven door Het Oranje Kruis" in text


def test_without_an_issuer_a_pass_names_none() -> None:
    assert "Uitgegeven door" not in text_of(render_pass(make_pass()))


def test_the_code_is_printed_under_the_qr_code_labelled() -> None:
    code = code_for(KEYS, "99600953", "DEH")

    pdf = render_pass(make_pass(external="1122334455"), LINKS)

    lines = [piece for piece, _, _ in positioned(pdf)]
    label = lines.index("Code:")
    assert lines[label : label + 3] == ["Code:", code[:12], code[12:]]
    # Grouped under the QR code, in the card's right-hand column, one line under the other.
    placed = {piece: (x, y) for piece, x, y in positioned(pdf)}
    xs = [placed[piece][0] for piece in lines[label : label + 3]]
    ys = [placed[piece][1] for piece in lines[label : label + 3]]
    assert min(xs) > 180
    assert ys == sorted(ys, reverse=True)
    assert ys[0] - ys[-1] < 20
    # The external number moved out of their way, and is still there.
    assert "1122334455" in lines


def text_lines(pdf: bytes) -> list[str]:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:3000",
        "https://pasjesportaal.hetoranjekruis.nl",
        "https://d111111abcdef8.cloudfront.net",
        "https://pasjes.opleidingsinstituut-voorbeeld.example.nl/",
        "https://kwalificatieregister-eerste-hulp-en-bedrijfshulpverlening.example.org",
    ],
)
def test_the_check_address_stays_on_one_line_at_a_legible_size_whatever_the_host(
    origin: str,
) -> None:
    links = PassLinks(KEYS, origin)
    address = check_address(links.url("X"))

    pdf = render_pass(make_pass(modules=(EHK, LRH)), links, issuer="Het Oranje Kruis")

    assert f"Controleer: {address}" in text_lines(pdf)
    # Label and address are one run of text on one baseline, at no less than 4 pt.
    (size,) = [size for piece, size in sized(pdf) if piece == f"Controleer: {address}"]
    assert size >= 4.0
    # On the card: nothing runs past its right-hand margin.
    assert all(x + width <= 243 - 8 for _, x, width in spans(pdf))


def test_the_check_address_is_at_the_foot_over_the_issuer() -> None:
    pdf = render_pass(make_pass(), LINKS, issuer="Het Oranje Kruis")

    placed = {piece: y for piece, _, y in positioned(pdf)}
    assert placed["Uitgegeven door Het Oranje Kruis"] < placed["Controleer: 127.0.0.1:3000/v"] < 20


def sized(pdf: bytes) -> list[tuple[str, float]]:
    """Each piece of text with its font size in points."""
    found: list[tuple[str, float]] = []

    def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((text.strip(), size * tm[0]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


def spans(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each piece of text with where it starts and how wide it is, in points."""
    font = FONT_NAME
    widths = dict(sized(pdf))
    return [
        (piece, x, pdfmetrics.stringWidth(piece, font, widths[piece]))
        for piece, x, _ in positioned(pdf)
    ]


def test_the_check_address_is_the_links_page_without_scheme_or_code() -> None:
    assert check_address("https://pasjes.example.nl/v/ABC") == "pasjes.example.nl/v"
    assert check_address(LINKS.url("X")) == "127.0.0.1:3000/v"


@pytest.fixture
def render_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("ISSUER_NAME", "Het Oranje Kruis")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_the_registry_issues_the_passes_by_default(
    render_settings: pytest.MonkeyPatch,
) -> None:
    assert issuer_of(Organisation("keira-bhv", "Keira BHV")) == "Het Oranje Kruis"
    render_settings.setenv("ISSUED_BY", "registry")
    get_settings.cache_clear()
    assert issuer_of(Organisation("keira-bhv", "Keira BHV")) == "Het Oranje Kruis"


def test_where_the_registry_wants_it_the_requests_organisation_issues_them(
    render_settings: pytest.MonkeyPatch,
) -> None:
    render_settings.setenv("ISSUED_BY", "organisation")
    get_settings.cache_clear()

    assert issuer_of(Organisation("keira-bhv", "Keira BHV")) == "Keira BHV"
