"""A generated registry export of any size, shaped as the national one (bench.importing).

Holders with one to four qualifications each (about 2.4) from one exam session of about 12,
organisations whose sizes fall off from the largest, about 5% of holders at a second one, 30%
with an external number, 0.5% of qualifications withdrawn; then the same data under a new
exportId, reordered, and with a share of the holders changed (a name, an expiry date, a
withdrawal).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

FIRST_NAMES = [
    "Anna",
    "Bram",
    "Chantal",
    "Daan",
    "Eva",
    "Fatima",
    "Gijs",
    "Hanna",
    "Ivo",
    "Jasmijn",
]
SURNAMES = ["Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer"]
QUALIFICATIONS = [
    ("BHV", "Bedrijfshulpverlener", "Diploma", "BHV", "Bedrijfshulpverlening"),
    ("BHVH", "BHV Herhaling", "Certificaat", "BHV", "Bedrijfshulpverlening"),
    ("EHBO", "Eerste Hulp", "Diploma", "EH", "Eerste Hulp"),
    ("EHK", "Eerste Hulp aan Kinderen", "Certificaat", "EH", "Eerste Hulp"),
    ("AED", "Reanimatie en AED", "Certificaat", "EH", "Eerste Hulp"),
    ("LH", "Levensreddend handelen", "Diploma", "LH", "Levensreddend handelen"),
]


def generate(args: argparse.Namespace, folder: Path) -> dict[str, Path]:
    """Three exports in `folder`: first, same (new exportId), changed."""
    from infra.ops.dataset import Dataset, export_bytes
    from pasjes.domain import (
        Holder,
        Organisation,
        Qualification,
        QualificationType,
        Registration,
    )
    from pasjes.importing import Manifest

    rng = random.Random(13)
    organisations = tuple(
        Organisation(f"org-{i:05d}", f"Opleidingsinstituut {i}") for i in range(args.organisations)
    )
    # Sizes: the largest, then a long tail, summing to about 1.05 registrations per holder.
    rest = max(0, int(args.holders * 1.05) - args.largest)
    weights = [1 / (i + 5) ** 0.9 for i in range(1, args.organisations)]
    scale = rest / sum(weights)
    sizes = [args.largest] + [max(5, int(w * scale)) for w in weights]
    holders: list[Holder] = []
    today = date(2026, 5, 1)
    for i in range(args.holders):
        count = rng.choices([1, 2, 3, 4], weights=[25, 30, 25, 20])[0]  # about 2.4
        chosen = rng.sample(QUALIFICATIONS, count)
        exam = today - timedelta(days=rng.randrange(3 * 365))
        qualifications = tuple(
            Qualification(
                code=code,
                name=name,
                type=QualificationType(kind),
                exam_type=exam_type,
                # One exam session awards a holder's qualifications; about 12 sit each session.
                exam_number=f"EX{i // 12:06d}",
                exam_date=exam,
                expiry_date=exam + timedelta(days=2 * 365),
                withdrawn_on=today if rng.random() < 0.005 else None,
            )
            for code, name, kind, exam_type, _ in chosen
        )
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        holders.append(
            Holder(
                qualification_number=f"{10_000_000 + i:08d}",
                name=f"{first[0]}. {surname}",
                birth_date=date(1960, 1, 1) + timedelta(days=rng.randrange(16_000)),
                qualifications=qualifications,
            )
        )
    registrations: list[Registration] = []
    numbers = [h.qualification_number for h in holders]
    position = 0
    for organisation, size in zip(organisations, sizes, strict=True):
        taken = [numbers[(position + k) % len(numbers)] for k in range(min(size, len(numbers)))]
        position += size
        registrations += [
            Registration(organisation.id, n, f"K{n}" if rng.random() < 0.3 else None)
            for n in dict.fromkeys(taken)
        ]
    memberships: dict[str, tuple[str, ...]] = {}
    for i in range(args.contacts):
        organisation = organisations[i % len(organisations)]
        extra = (rng.choice(organisations).id,) if rng.random() < 0.1 else ()
        memberships[f"contact{i}@instituut.example"] = tuple(
            dict.fromkeys((organisation.id, *extra))
        )
    dataset = Dataset(
        organisations=organisations,
        memberships=memberships,
        holders=tuple(holders),
        registrations=tuple(registrations),
    )
    at = datetime(2026, 5, 1, 5, 0, tzinfo=UTC)
    changed = list(holders)
    for index in rng.sample(range(len(changed)), int(len(changed) * args.changed)):
        old = changed[index]
        first_q = old.qualifications[0]
        kind = index % 3
        if kind == 0:
            changed[index] = replace(old, name=old.name + " Jr")
        else:
            new_q = (
                replace(first_q, expiry_date=(first_q.expiry_date or today) + timedelta(days=730))
                if kind == 1
                else replace(first_q, withdrawn_on=today)
            )
            changed[index] = replace(old, qualifications=(new_q, *old.qualifications[1:]))
    exports = {
        "first": (dataset, Manifest("national-1", at, "full")),
        "same": (dataset, Manifest("national-2", at + timedelta(days=1), "full")),
        # The same content in files that differ (rows in another order): read, checked, diffed.
        "reordered": (
            replace(
                dataset,
                holders=dataset.holders[::-1],
                registrations=dataset.registrations[::-1],
            ),
            Manifest("national-3", at + timedelta(days=2), "full"),
        ),
        "changed": (
            replace(dataset, holders=tuple(changed)),
            Manifest("national-4", at + timedelta(days=3), "full"),
        ),
    }
    paths: dict[str, Path] = {}
    for name, (data, manifest) in exports.items():
        paths[name] = folder / f"{name}.zip"
        paths[name].write_bytes(export_bytes(data, manifest))
    (folder / "contacts.json").write_text(json.dumps(sorted(memberships)))
    return paths
