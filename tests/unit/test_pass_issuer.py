"""What a pass says besides its holder's data: who issued it, and where and how to check it by
hand (the check page's address and the code, grouped under the QR code). Read from the PDF."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from pasjes.domain import Organisation
from pasjes.logic.render import issuer_of
from pasjes.logic.verification import PassLinks, code_for
from pasjes.render.renderer import check_address, render_pass
from pasjes.settings import get_settings
from tests.conftest import ENVIRONMENT
from tests.unit.test_render import KEYS, LINKS, make_pass, text_of


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


def test_the_check_page_and_the_code_are_printed_by_the_qr_code_each_labelled() -> None:
    code = code_for(KEYS, "99600953", "DEH")

    pdf = render_pass(make_pass(external="1122334455"), LINKS)

    lines = [piece for piece, _, _ in positioned(pdf)]
    check = lines.index("Controleer:")
    assert lines[check : check + 5] == [
        "Controleer:",
        "127.0.0.1:3000/v",
        "Code:",
        code[:12],
        code[12:],
    ]
    # Grouped under the QR code, in the card's right-hand column, one line under the other.
    placed = {piece: (x, y) for piece, x, y in positioned(pdf)}
    xs = [placed[piece][0] for piece in lines[check : check + 5]]
    ys = [placed[piece][1] for piece in lines[check : check + 5]]
    assert min(xs) > 180
    assert ys == sorted(ys, reverse=True)
    assert ys[0] - ys[-1] < 30
    # The external number moved out of their way, and is still there.
    assert "1122334455" in lines


def test_a_long_address_wraps_under_the_qr_code_rather_than_run_off_the_card() -> None:
    links = PassLinks(KEYS, "https://pasjes.opleidingsinstituut-voorbeeld.example.nl/")

    pdf = render_pass(make_pass(), links)

    pieces = positioned(pdf)
    text = "".join(piece for piece, _, _ in pieces)
    assert "pasjes.opleidingsinstituut-voorbeeld.example.nl/v" in text
    assert all(x < 242 for _, x, _ in pieces)


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
