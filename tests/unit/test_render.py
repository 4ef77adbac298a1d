"""The passes as PDFs and the request's ZIP: what a contact person and a holder get to see."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pypdfium2  # type: ignore[import-untyped]
import pytest
import zxingcpp
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from pasjes.domain import Pass, Qualification, QualificationType
from pasjes.filenames import unique_entry_names
from pasjes.logic.verification import PassLinks, VerificationKeys, code_for, code_matches
from pasjes.render.archive import build_zip
from pasjes.render.font import FONT_FILE
from pasjes.render.layout import CARD_HEIGHT, QR_SIZE, QR_ZONE
from pasjes.render.qr import _QR_OPTIONS
from pasjes.render.renderer import PassRenderer, render_pass
from tests.verification_helpers import qr_codes_on

MM = 72 / 25.4

EHK = Qualification(
    "EHK", "Eerste Hulp aan kinderen", QualificationType.CERTIFICATE, "EHBO", "EX45465",
    date(2017, 7, 28), date(2020, 10, 1), parent_code="DEH",
)  # fmt: skip
LRH = Qualification(
    "LRH", "Levensreddend handelen", QualificationType.CERTIFICATE, "EHBO", "EX45466",
    date(2019, 1, 23), date(2020, 10, 1), parent_code="DEH",
)  # fmt: skip
DEH = Qualification(
    "DEH", "Diploma Eerste Hulp", QualificationType.DIPLOMA, "EHBO", "EX45465",
    date(2018, 8, 31), date(2021, 4, 1),
)  # fmt: skip


def make_pass(
    name: str = "Dhr. TEST de Tester",
    number: str = "99600953",
    external: str | None = None,
    qualification: Qualification = DEH,
    modules: tuple[Qualification, ...] = (),
) -> Pass:
    return Pass(number, name, date(1992, 6, 18), external, qualification, modules)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def fonts_of(pdf: bytes) -> list[DictionaryObject]:
    resources = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"].get_object()
    assert isinstance(fonts, DictionaryObject)
    found = [font.get_object() for font in fonts.values()]
    assert all(isinstance(font, DictionaryObject) for font in found)
    return found


def rendered(passes: Sequence[Pass]) -> list[str]:
    renderer = PassRenderer(passes)
    return [text_of(renderer.render(p)) for p in passes]


def test_pass_shows_qualification_type_holder_number_and_dates() -> None:
    text = text_of(render_pass(make_pass()))

    for expected in (
        "Digitaal pasje",
        "Diploma Eerste Hulp",
        "Diploma",
        "Dhr. TEST de Tester",
        "Kwalificatienummer",
        "99600953",
        "Geboortedatum",
        "18-06-1992",
        "Examendatum",
        "31-08-2018",
        "Vervaldatum",
        "01-04-2021",
    ):
        assert expected in text


def test_certificate_pass_says_certificaat() -> None:
    text = text_of(render_pass(make_pass(qualification=EHK)))

    assert "Eerste Hulp aan kinderen" in text
    assert "Certificaat" in text
    assert "28-07-2017" in text


@pytest.mark.parametrize(
    "name",
    [
        "Łukasz Wójcik",
        "Şükrü Öztürk",
        "Zoë Nguyễn",
        "Ăna Đorđević",
        "Żaneta Kowalczyk",
        "Ğülşen Yılmaz",  # noqa: RUF001 - a Turkish dotless i, on purpose
        "Jiří Dvořák",
        "Māris Bērziņš",
        "Γιώργος Παπαδόπουλος",
        "Дмитрий Иванов",
    ],
)
def test_names_in_european_scripts_read_back(name: str) -> None:
    assert name in text_of(render_pass(make_pass(name)))


def test_every_name_of_a_mixed_request_reads_back_from_its_own_pass() -> None:
    names = ["Łukasz Wójcik", "Şükrü Öztürk", "Zoë Nguyễn", "Дмитрий Иванов", "Jan Jansen"]
    passes = [make_pass(name, number=str(99600000 + i)) for i, name in enumerate(names)]

    texts = rendered(passes)

    for name, text in zip(names, texts, strict=True):
        assert name in text
        assert [other for other in names if other in text] == [name]


def test_a_request_using_more_than_255_characters_still_renders_every_name() -> None:
    # Greek, Cyrillic and Latin Extended together overflow one 256-code font slice.
    greek = "".join(chr(c) for c in range(0x3B1, 0x3CA) if c != 0x3C2)
    cyrillic = "".join(chr(c) for c in range(0x430, 0x450))
    latin = "".join(chr(c) for c in (*range(0x100, 0x180), *range(0x1EA0, 0x1EFA)))
    chunks = [greek, cyrillic, *(latin[i : i + 32] for i in range(0, len(latin), 32))]
    passes = [make_pass(chunk, number=str(99600000 + i)) for i, chunk in enumerate(chunks)]
    assert len(set("".join(chunks))) > 255

    renderer = PassRenderer(passes)
    pdfs = [renderer.render(p) for p in passes]

    for chunk, pdf in zip(chunks, pdfs, strict=True):
        assert chunk in text_of(pdf).replace("\n", "")
    font_counts = {len(fonts_of(pdf)) for pdf in pdfs}
    assert font_counts == {1, 2}


def test_decomposed_name_is_printed_composed() -> None:
    text = text_of(render_pass(make_pass("Zoe\u0308 Nguye\u0302\u0303n")))

    assert "Zoë Nguyễn" in text


def test_external_number_is_shown_when_the_organisation_has_one() -> None:
    text = text_of(render_pass(make_pass(external="1122334455")))

    assert "Extern nummer" in text
    assert "1122334455" in text


def test_no_external_number_label_without_one() -> None:
    assert "Extern nummer" not in text_of(render_pass(make_pass(external=None)))


def test_diploma_lists_its_modules() -> None:
    text = text_of(render_pass(make_pass(modules=(EHK, LRH))))

    assert "Modules" in text
    assert "Eerste Hulp aan kinderen, Levensreddend handelen" in text


def test_certificate_shows_no_modules() -> None:
    assert "Modules" not in text_of(render_pass(make_pass(qualification=EHK)))


def test_diploma_without_modules_shows_no_modules_label() -> None:
    assert "Modules" not in text_of(render_pass(make_pass()))


@pytest.mark.parametrize(
    "name", ["<b>x</b>&amp;", "<font size=40>Jan</font>", "Jan (Jansen) \\n %PDF"]
)
def test_markup_like_names_appear_literally(name: str) -> None:
    assert name in text_of(render_pass(make_pass(name)))


def test_invisible_characters_in_a_name_are_not_printed() -> None:
    text = text_of(render_pass(make_pass("Jan\u202e\u200b Jansen\x00")))

    assert "Jan Jansen" in text
    assert "\u202e" not in text


def test_a_long_name_wraps_instead_of_being_lost() -> None:
    name = "Mevr. Anna Maria Josephina Theodora van den Heuvel-Oosterhuis de Groot-Janssen"

    text = text_of(render_pass(make_pass(name)))

    assert "Oosterhuis" in text
    assert "Groot-Janssen" in text


def test_page_is_an_id1_card() -> None:
    box = PdfReader(io.BytesIO(render_pass(make_pass()))).pages[0].mediabox

    assert float(box.width) / MM == pytest.approx(85.60, abs=0.01)
    assert float(box.height) / MM == pytest.approx(53.98, abs=0.01)


def test_font_is_embedded_as_a_subset_and_the_pass_stays_small() -> None:
    pdf = render_pass(make_pass("Łukasz Wójcik", external="1122334455", modules=(EHK, LRH)))

    (font,) = fonts_of(pdf)
    descriptor = font["/FontDescriptor"].get_object()
    assert isinstance(descriptor, DictionaryObject)
    assert "+DejaVuSans" in str(descriptor["/FontName"])
    assert "/FontFile2" in descriptor
    assert len(pdf) < 15 * 1024


def test_the_committed_font_and_its_licence_ship_with_the_package() -> None:
    assert FONT_FILE.is_file()
    assert FONT_FILE.stat().st_size < 120 * 1024
    assert "Bitstream Vera Fonts Copyright" in (FONT_FILE.parent / "LICENSE").read_text()


def test_renderer_refuses_a_pass_with_characters_outside_its_request() -> None:
    renderer = PassRenderer([make_pass("Jan Jansen")])

    with pytest.raises(ValueError, match="not part of the request"):
        renderer.render(make_pass("Żaneta Ŵ"))


def test_same_pass_gives_the_same_pdf_bytes() -> None:
    assert render_pass(make_pass()) == render_pass(make_pass())


def request() -> list[Pass]:
    return [
        make_pass("Dhr. TEST de Tester", modules=(EHK,)),
        make_pass("Dhr. TEST de Tester", qualification=EHK),
        make_pass("Łukasz Wójcik", number="99731441", external="1122334455"),
        make_pass("../../etc/passwd", number="99694102"),
        make_pass("Dhr. TEST de Tester", modules=(EHK,)),
    ]


def test_zip_holds_one_pdf_per_pass_named_as_the_manual_shows() -> None:
    passes = request()

    with zipfile.ZipFile(io.BytesIO(build_zip(passes))) as archive:
        names = archive.namelist()
        pdfs = [archive.read(name) for name in names]
        infos = archive.infolist()

    assert names == [
        "99600953_Dhr._TEST_de_Tester_DEH_Diploma.pdf",
        "99600953_Dhr._TEST_de_Tester_EHK_Certificaat.pdf",
        "99731441_Łukasz_Wójcik_DEH_Diploma.pdf",
        "99694102_etcpasswd_DEH_Diploma.pdf",
        "99600953_Dhr._TEST_de_Tester_DEH_Diploma_2.pdf",
    ]
    assert names == unique_entry_names(passes)
    assert all(info.compress_type == zipfile.ZIP_STORED for info in infos)
    assert all(not info.is_dir() and "/" not in info.filename for info in infos)
    assert "Łukasz Wójcik" in text_of(pdfs[2])
    assert "Certificaat" in text_of(pdfs[1])


def test_same_passes_give_the_same_zip_bytes() -> None:
    assert build_zip(request()) == build_zip(request())


def test_zip_entries_carry_the_time_they_are_given() -> None:
    data = build_zip(request()[:1], modified_at=datetime(2026, 11, 28, 9, 30, 12))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.infolist()[0].date_time == (2026, 11, 28, 9, 30, 12)


KEYS = VerificationKeys(current="a", secrets={"a": bytes(range(32))})
LINKS = PassLinks(KEYS, "http://127.0.0.1:3000")


def test_the_qr_code_on_a_pass_opens_its_check_page() -> None:
    p = make_pass()

    pdf = render_pass(p, LINKS)

    code = code_for(KEYS, "99600953", "DEH")
    assert qr_codes_on(pdf) == [f"http://127.0.0.1:3000/v/{code}"]
    assert code_matches(KEYS, code, "99600953", "DEH")


def test_the_code_is_printed_under_the_qr_code_for_typing_in() -> None:
    code = code_for(KEYS, "99600953", "DEH")

    text = text_of(render_pass(make_pass(), LINKS))

    assert code[:12] in text
    assert code[12:] in text


def test_each_pass_of_a_request_carries_its_own_qualifications_code() -> None:
    passes = [make_pass(modules=(EHK,)), make_pass(qualification=EHK)]
    renderer = PassRenderer(passes, LINKS)

    urls = [qr_codes_on(renderer.render(p)) for p in passes]

    assert urls == [
        [LINKS.url(code_for(KEYS, "99600953", "DEH"))],
        [LINKS.url(code_for(KEYS, "99600953", "EHK"))],
    ]


def test_the_qr_code_is_a_link_on_screen_and_a_sharp_image_mask_of_one_bit_a_module() -> None:
    pdf = render_pass(make_pass(), LINKS)

    page: Any = PdfReader(io.BytesIO(pdf)).pages[0]
    (annotation,) = (a.get_object() for a in page["/Annots"])
    assert annotation["/A"]["/URI"] == LINKS.url(code_for(KEYS, "99600953", "DEH"))
    resources = page["/Resources"].get_object()
    (image,) = (x.get_object() for x in resources["/XObject"].values())
    assert (image["/Subtype"], image["/ImageMask"], image["/BitsPerComponent"]) == (
        "/Image",
        True,
        1,
    )
    assert "/Interpolate" not in image
    size = image["/Width"]
    assert image["/Height"] == size
    assert len(image.get_data()) == size * ((size + 7) // 8)


def test_every_module_of_the_qr_code_is_printed_in_its_place_neither_mirrored_nor_turned() -> None:
    url = LINKS.url(code_for(KEYS, "99600953", "DEH"))
    symbol = zxingcpp.create_barcode(
        url, zxingcpp.BarcodeFormat.QRCode, ec_level="M", options=_QR_OPTIONS
    )
    expected = symbol.to_image(scale=1, add_quiet_zones=False)
    scale = 8
    page = pypdfium2.PdfDocument(render_pass(make_pass(), LINKS))[0]
    image = page.render(scale=scale).to_pil().convert("L")

    size = int(expected.shape[1])
    module = QR_SIZE / size
    left, top = QR_ZONE[0], CARD_HEIGHT - QR_ZONE[1] - QR_SIZE
    printed = [
        [
            image.getpixel(
                (int((left + (c + 0.5) * module) * scale), int((top + (r + 0.5) * module) * scale))
            )
            < 128
            for c in range(size)
        ]
        for r in range(size)
    ]
    modules = memoryview(expected).tobytes()  # type: ignore[arg-type]
    assert printed == [[modules[r * size + c] == 0 for c in range(size)] for r in range(size)]


def test_a_pass_with_a_qr_code_stays_small_and_the_same_bytes_each_time() -> None:
    p = make_pass("Łukasz Wójcik", external="1122334455", modules=(EHK, LRH))

    pdf = render_pass(p, LINKS)

    assert len(pdf) < 14 * 1024
    assert pdf == render_pass(p, LINKS)


def test_without_links_a_pass_has_no_qr_code() -> None:
    assert qr_codes_on(render_pass(make_pass())) == []


def test_a_long_origin_still_gives_a_qr_code_that_reads_back() -> None:
    links = PassLinks(KEYS, "https://pasjes.opleidingsinstituut-voorbeeld.example.nl/")

    pdf = render_pass(make_pass(), links)

    assert qr_codes_on(pdf) == [links.url(code_for(KEYS, "99600953", "DEH"))]
    assert "//v/" not in qr_codes_on(pdf)[0]


def test_the_zip_of_a_request_carries_the_qr_codes() -> None:
    passes = request()[:2]

    archive = zipfile.ZipFile(io.BytesIO(build_zip(passes, links=LINKS)))

    first = archive.read(archive.namelist()[0])
    assert qr_codes_on(first) == [LINKS.url(code_for(KEYS, "99600953", "DEH"))]
