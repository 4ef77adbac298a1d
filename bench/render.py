"""How fast one 250-pass request renders and zips, against two baselines.

    .venv/bin/python -m bench.render [--rounds 5] [--passes 250] [--full-font PATH]

Ways to turn the same request into a ZIP, all drawing the same card with `draw_pass`:

- ours:        `pasjes.render.archive.build_zip`: one DejaVu Sans face, its PDF font objects
               built once per request (see `pasjes.render.font`), emphasis by stroking;
- ours-qr:     the same with every pass's QR code (zxing-cpp, an image mask), its printed
               code and link, under a CloudFront-length origin: what a deployment renders;
- naive:       what most code does, as the issue measured it (~44 KB/pass): the full DejaVu Sans
               and DejaVu Sans Bold TTFs registered once per process, one canvas per pass,
               reportlab subsetting both fonts again for every document (the bold face sets
               what `draw_pass` emphasises by stroking: see `_BoldEmphasisCanvas`);
- naive-1face: the same with only the regular TTF and emphasis by stroking, as ours does, to
               show what the per-request font objects gain on their own;
- plain:       base-14 Helvetica and Helvetica-Bold, one canvas per pass: the speed of no
               embedded font at all, but "Ł" or "Ş" cannot be shown.

Each measurement runs in a fresh child process, so peak RSS (which only ever grows) belongs to
one variant. A child imports, registers its fonts and renders a small warm-up request first,
as a warm Lambda would have, then times one request: laying out, rendering and zipping,
including the per-request font work of ours. Times are the child's CPU time, which is what a
Lambda's dedicated share of CPU turns into wall time; on a shared machine the wall clock also
counts waiting for a core. The variants take turns for `--rounds` rounds so that background
load hits all of them alike; the table shows the median round.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from pasjes.domain import Pass, Qualification, QualificationType
from pasjes.filenames import unique_entry_names

FULL_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
VARIANTS = ("ours", "ours-qr", "naive", "naive-1face", "plain")
TARGET_VS_NAIVE = 0.4
TARGET_VS_PLAIN = 2.0
TARGET_KB_PER_PASS = 15.0
TARGET_QR_VS_PLAIN = 1.5
TARGET_QR_KB_PER_PASS = 14.0
# A deployed origin is about this long; a longer URL means a denser QR code.
BENCH_ORIGIN = "https://d111111abcdef8.cloudfront.net"
TARGET_RSS_MB = 150.0

_SALUTATIONS = ("Dhr.", "Mevr.", "")
_FIRST = (
    "Jan", "Anna", "Łukasz", "Şükrü", "Zoë", "Ștefan", "Đorđe", "Żaneta", "Jiří", "Gintarė",
    "Māris", "Søren", "Ödön", "Ľubomír", "Ağan", "Ngọc", "Ines", "Bram", "Fatma", "Noor",
    "Dmitrij", "Γιώργος", "Дмитрий", "Chloé", "Mårten", "Özlem", "Thảo", "Kevin", "Sanne",
)  # fmt: skip
_LAST = (
    "de Vries", "Jansen", "Wójcik", "Öztürk", "Nguyễn", "Dumitrescu", "Petrović", "Kowalczyk",
    "Dvořák", "Kazlauskienė", "Bērziņš", "Ærø", "Szőke", "Horváth", "Yılmaz", "Trần",  # noqa: RUF001
    "van den Berg", "Bakker", "Ağaoğlu", "El Amrani", "Παπαδόπουλος", "Иванов", "Groß",
    "Čapek", "Ó Súilleabháin", "Lefèvre", "Đặng", "Visser", "Smit",
)  # fmt: skip


def build_request(n: int, seed: int = 2026) -> list[Pass]:
    """A request as the render function gets it: diplomas (with modules) and certificates."""
    rnd = random.Random(seed)
    exam = date(2026, 3, 14)
    expiry = date(2028, 3, 1)

    def qualification(
        code: str, name: str, kind: QualificationType, parent: str | None = None
    ) -> Qualification:
        return Qualification(code, name, kind, "EHBO", "EX45465", exam, expiry, parent)

    diplomas = (
        qualification("DEH", "Diploma Eerste Hulp", QualificationType.DIPLOMA),
        qualification("JEH", "Jeugd Eerste Hulp", QualificationType.DIPLOMA),
        qualification("IEH", "Instructeur Eerste Hulp", QualificationType.DIPLOMA),
    )
    modules = (
        qualification("EHK", "Eerste Hulp aan kinderen", QualificationType.CERTIFICATE, "DEH"),
        qualification("LRH", "Levensreddend handelen", QualificationType.CERTIFICATE, "DEH"),
        qualification(
            "IEW", "Instructeur Eerste Hulp bij wandeltochten", QualificationType.CERTIFICATE
        ),
    )
    passes: list[Pass] = []
    for i in range(n):
        name = " ".join(
            part
            for part in (rnd.choice(_SALUTATIONS), rnd.choice(_FIRST), rnd.choice(_LAST))
            if part
        )
        holder_modules = tuple(m for m in modules[:2] if rnd.random() < 0.6)
        q = rnd.choice((*diplomas, *modules))
        passes.append(
            Pass(
                qualification_number=str(99_600_000 + i * 37),
                name=name,
                birth_date=date(1960, 1, 1) + timedelta(days=rnd.randrange(16_000)),
                external_number=str(rnd.randrange(10**9, 10**10)) if rnd.random() < 0.5 else None,
                qualification=q,
                modules=holder_modules if q.type is QualificationType.DIPLOMA else (),
            )
        )
    return passes


def _zip(passes: Sequence[Pass], render: Callable[[Pass], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, p in zip(unique_entry_names(passes), passes, strict=True):
            archive.writestr(name, render(p))
    return out.getvalue()


_Direction = Literal["LTR", "RTL"]


class _BoldEmphasisText(PDFTextObject):
    """Sets in `bold` what the card emphasises by stroking its one face (text render mode 2)."""

    def __init__(
        self, canvas: Canvas, bold: str, x: float, y: float, direction: _Direction | None
    ) -> None:
        super().__init__(canvas, x, y, direction)
        self._bold = bold
        self._face = ""
        self._size = 0.0
        self._emphasised = False

    def setFont(self, psfontname: str, size: float, leading: float | None = None) -> None:  # noqa: N802 - reportlab's name
        self._face, self._size = psfontname, size
        super().setFont(self._bold if self._emphasised else psfontname, size, leading)

    def setTextRenderMode(self, mode: Literal[0, 1, 2, 3, 4, 5, 6, 7]) -> None:  # noqa: N802 - reportlab's name
        self._emphasised = mode == 2
        super().setFont(self._bold if self._emphasised else self._face, self._size)


class _BoldEmphasisCanvas(Canvas):
    """A canvas on which `draw_pass` emphasises in a second, bold face, as most code would."""

    def __init__(self, *args: Any, bold: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bold = bold

    def beginText(  # noqa: N802 - reportlab's name
        self, x: float = 0, y: float = 0, direction: _Direction | None = None
    ) -> PDFTextObject:
        return _BoldEmphasisText(self, self._bold, x, y, direction)


def _canvas_per_pass(font: str, bold: str | None) -> Callable[[Sequence[Pass]], bytes]:
    from pasjes.render.layout import CARD_HEIGHT, CARD_WIDTH
    from pasjes.render.renderer import draw_pass

    def render(p: Pass) -> bytes:
        out = io.BytesIO()
        size = (CARD_WIDTH, CARD_HEIGHT)
        if bold is None:
            c = Canvas(out, pagesize=size, invariant=1)
        else:
            c = _BoldEmphasisCanvas(out, pagesize=size, invariant=1, bold=bold)
        draw_pass(c, p, font)
        c.showPage()
        c.save()
        return out.getvalue()

    return lambda passes: _zip(passes, render)


def _prepare(variant: str, full_font: Path) -> Callable[[Sequence[Pass]], bytes]:
    """The variant's request-to-ZIP function, with its once-per-process setup done."""
    if variant == "ours":
        from pasjes.render.archive import build_zip

        return lambda passes: build_zip(passes)
    if variant == "ours-qr":
        from pasjes.logic.verification import PassLinks, VerificationKeys
        from pasjes.render.archive import build_zip

        links = PassLinks(VerificationKeys("a", {"a": bytes(range(32))}), BENCH_ORIGIN)
        return lambda passes: build_zip(passes, links=links)
    if variant in ("naive", "naive-1face"):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("DejaVuSans-full", str(full_font)))
        if variant == "naive-1face":
            return _canvas_per_pass("DejaVuSans-full", None)
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold-full", str(_bold_of(full_font))))
        return _canvas_per_pass("DejaVuSans-full", "DejaVuSans-Bold-full")
    if variant == "plain":
        return _canvas_per_pass("Helvetica", "Helvetica-Bold")
    raise ValueError(variant)


@dataclass(frozen=True)
class Result:
    variant: str
    seconds: float
    wall_seconds: float
    zip_bytes: int
    passes: int
    peak_rss_mb: float

    @property
    def ms_per_pass(self) -> float:
        return self.seconds * 1000 / self.passes

    @property
    def kb_per_pass(self) -> float:
        return self.zip_bytes / 1024 / self.passes


def measure(variant: str, n: int, full_font: Path) -> Result:
    """One timed request, after a warm-up request with other names (and so other characters)."""
    build = _prepare(variant, full_font)
    build(build_request(5, seed=1))
    passes = build_request(n)
    start, wall_start = time.process_time(), time.perf_counter()
    data = build(passes)
    seconds, wall = time.process_time() - start, time.perf_counter() - wall_start
    # ru_maxrss is in kilobytes on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Result(variant, seconds, wall, len(data), n, peak)


def _run_child(variant: str, n: int, full_font: Path) -> Result:
    command = [sys.executable, "-m", "bench.render", "--child", variant, "--passes", str(n)]
    command += ["--full-font", str(full_font)]
    # Our own interpreter and module with fixed arguments: nothing here comes from outside.
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return Result(**json.loads(done.stdout))


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _median_run(runs: list[Result]) -> Result:
    """The median round, by CPU time; peak RSS is the highest of all rounds."""
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    peak = max(r.peak_rss_mb for r in runs)
    return Result(
        middle.variant, middle.seconds, middle.wall_seconds, middle.zip_bytes, middle.passes, peak
    )


def report(results: dict[str, list[Result]], rounds: int) -> None:
    n = next(iter(results.values()))[0].passes
    print(f"{n} passes per request; median of {rounds} rounds, each run in its own process")
    print("ms/pass and total are CPU time; best is the fastest round; wall is the median's\n")
    header = ("variant", "ms/pass", "best", "total s", "wall s", "KB/pass", "peak RSS MB")
    print(f"{header[0]:<12}" + "".join(f"{h:>10}" for h in header[1:6]) + f"{header[6]:>13}")
    medians = {variant: _median_run(runs) for variant, runs in results.items()}
    for variant, m in medians.items():
        best = min(r.seconds for r in results[variant]) * 1000 / n
        print(
            f"{variant:<12}{m.ms_per_pass:>10.2f}{best:>10.2f}{m.seconds:>10.2f}"
            f"{m.wall_seconds:>10.2f}{m.kb_per_pass:>10.1f}{m.peak_rss_mb:>13.0f}"
        )
    ours = medians.get("ours")
    if ours is None:
        return
    print()
    targets = (("naive", TARGET_VS_NAIVE), ("naive-1face", None), ("plain", TARGET_VS_PLAIN))
    for other, target in targets:
        if other not in medians:
            continue
        ratio = ours.seconds / medians[other].seconds
        goal = f"target <= {target:.1f}x   {_verdict(ratio <= target)}" if target else "(no target)"
        print(f"ours/{other:<12} time {ratio:5.2f}x   {goal}")
    qr = medians.get("ours-qr")
    if qr is not None and "plain" in medians:
        ratio = qr.seconds / medians["plain"].seconds
        print(
            f"ours-qr/plain      time {ratio:5.2f}x   target <= {TARGET_QR_VS_PLAIN:.1f}x   "
            f"{_verdict(ratio <= TARGET_QR_VS_PLAIN)}"
        )
        print(
            f"ours-qr size{qr.kb_per_pass:10.1f} KB/pass   target <= {TARGET_QR_KB_PER_PASS:.0f} KB"
            f"   {_verdict(qr.kb_per_pass <= TARGET_QR_KB_PER_PASS)}"
        )
    size_ok = ours.kb_per_pass <= TARGET_KB_PER_PASS
    rss_ok = ours.peak_rss_mb <= TARGET_RSS_MB
    print(
        f"ours size   {ours.kb_per_pass:10.1f} KB/pass   target <= {TARGET_KB_PER_PASS:.0f} KB"
        f"   {_verdict(size_ok)}"
    )
    print(
        f"ours RSS    {ours.peak_rss_mb:10.0f} MB        target <= {TARGET_RSS_MB:.0f} MB"
        f"   {_verdict(rss_ok)}"
    )


def _bold_of(full_font: Path) -> Path:
    return full_font.with_name(full_font.name.replace("DejaVuSans", "DejaVuSans-Bold"))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=250)
    parser.add_argument(
        "--full-font", type=Path, default=FULL_FONT, help="naive's TTF; its Bold sits next to it"
    )
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = measure(args.child, args.passes, args.full_font)
        sys.stdout.write(json.dumps(result.__dict__) + "\n")
        return
    have_fonts = args.full_font.is_file() and _bold_of(args.full_font).is_file()
    variants = [v for v in VARIANTS if have_fonts or not v.startswith("naive")]
    if not have_fonts:
        print(f"naive skipped: {args.full_font} or its bold not found (fonts-dejavu-core)\n")
    results: dict[str, list[Result]] = {v: [] for v in variants}
    for _ in range(args.rounds):
        for variant in variants:
            results[variant].append(_run_child(variant, args.passes, args.full_font))
    report(results, args.rounds)


if __name__ == "__main__":
    main()
