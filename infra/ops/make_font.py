"""Regenerate the font the passes are set in: DejaVu Sans, cut down to European scripts.

Run from the repository root::

    .venv/bin/python infra/ops/make_font.py [SOURCE_TTF]

SOURCE_TTF defaults to the Debian/Ubuntu copy of DejaVu Sans 2.37
(`apt-get install fonts-dejavu-core` puts it at /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf).
The result is written to functions/shared/pasjes/render/fonts/DejaVuSans-subset.ttf, next to the
DejaVu licence it must travel with. The committed file is what the render function loads; tests
and CI never need the source font.

What is kept, and why:
- the characters a name, label or date on a pass can use in the scripts of Europe: Latin with
  its Extended-A/-B/Additional blocks (Polish, Turkish, Romanian, Vietnamese, ...), combining
  marks (NFC leaves some letter+mark pairs without a precomposed form), Greek and Cyrillic, and
  common punctuation;
- outlines and advance widths only. reportlab neither shapes nor kerns, so GSUB/GPOS/GDEF/kern
  would be dead weight, and hinting (fpgm/prep/cvt and per-glyph instructions) is what made the
  full font 760 KB; reportlab copies those tables into every embedded subset.
- name records 0-6, 8, 11 and 14 (copyright, names, version, vendor, licence URL). The long
  licence text (record 13) is dropped because reportlab copies the name table into every
  embedded subset; LICENSE in the same folder carries it instead.

The output is reproducible: the source's own timestamps are kept, so running this again on the
same source gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

DEFAULT_SOURCE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TARGET = (
    Path(__file__).resolve().parents[2]
    / "functions/shared/pasjes/render/fonts/DejaVuSans-subset.ttf"
)

# Inclusive code point ranges.
RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A
    (0x0180, 0x024F),  # Latin Extended-B
    (0x02B0, 0x02FF),  # Spacing Modifier Letters (the modifier apostrophe in some names)
    (0x0300, 0x036F),  # Combining Diacritical Marks
    (0x0370, 0x03FF),  # Greek and Coptic
    (0x0400, 0x052F),  # Cyrillic and Cyrillic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2010, 0x2027),  # dashes, quotes, ellipsis
    (0x2030, 0x203A),  # per mille, primes, angle quotes
    (0x20AC, 0x20AC),  # euro sign
)
NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 8, 11, 14)


def make_subset(source: Path) -> bytes:
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "MATH", "FFTM", "gasp"]
    options.name_IDs = list(NAME_IDS)
    options.notdef_outline = True
    options.glyph_names = False
    unicodes = {cp for low, high in RANGES for cp in range(low, high + 1)}
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    data = make_subset(source)
    TARGET.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()[:16]
    sys.stdout.write(f"{TARGET.name}: {len(data)} bytes, sha256 {digest}...\n")


if __name__ == "__main__":
    main()
