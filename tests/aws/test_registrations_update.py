"""An organisation's list updated item by item holds exactly what writing it whole would."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date

import pytest

from pasjes.dal import list_updates, registrations
from pasjes.dal.list_updates import ListUpdate, stored_list
from pasjes.dal.registrations import RegistrationModel, rows_of_organisation
from pasjes.domain import Holder, HolderRow, Qualification, QualificationType

ORGANISATION = "keira-bhv"


def row(number: int, rng: random.Random) -> HolderRow:
    exams = rng.sample(["EX1", "EX2", "EX3", "ex4"], rng.randint(1, 2))
    holder = Holder(
        f"{number:08d}",
        f"{rng.choice(['Anna', 'Bram', 'Chantal'])} {rng.choice(['de Vries', 'Jansen'])}",
        date(1990, 1, 1),
        tuple(
            Qualification(
                f"Q{i}",
                "Kwalificatie",
                QualificationType.DIPLOMA,
                "BHV",
                exam,
                date(2025, 1, 1),
                date(2027, 1, 1) if rng.random() < 0.8 else None,
            )
            for i, exam in enumerate(exams)
        ),
    )
    return HolderRow.of(holder, f"K{number}" if rng.random() < 0.3 else None)


def stored_items() -> dict[str, object]:
    """The partition as stored, with the list's chunks by position instead of by version."""
    items: dict[str, object] = {}
    for item in RegistrationModel.query(ORGANISATION, consistent_read=True):
        key = item.entry_key
        if key == "V#":
            continue
        if key.startswith("L#"):
            key = "L#" + key.rsplit("#", 1)[1]
        items[key] = item.serialize().get("rows") or {
            k: v for k, v in item.serialize().items() if k != "entryKey"
        }
    return items


def update(rows: Iterable[HolderRow], content_hash: str) -> int:
    """The import's update of ORGANISATION's list to `rows`."""
    return list_updates.update_lists(
        [ListUpdate(ORGANISATION, rows, stored_list(ORGANISATION), content_hash)]
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_list_updated_by_its_changes_is_the_list_written_whole(
    aws: None, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registrations, "CHUNK_ROWS", 7)
    rng = random.Random(seed)
    rows = {n: row(n, rng) for n in range(1, 41)}
    update(rows.values(), "0")
    for step in range(6):
        for number in rng.sample(sorted(rows), 5):
            del rows[number]
        for number in rng.sample(range(41, 200), 4):
            rows[number] = row(number, rng)
        for number in rng.sample(sorted(rows), 4):
            rows[number] = row(number, rng)._replace(name=f"Naam {step}")

        update(rows.values(), str(step))
        incremental = stored_items()
        registrations.replace_rows(ORGANISATION, rows.values())
        whole = stored_items()

        assert incremental == whole
        registrations.forget_cached_lists()
        assert sorted(r.qualification_number for r in rows_of_organisation(ORGANISATION)) == sorted(
            f"{n:08d}" for n in rows
        )


def test_lists_updated_together_count_every_item_written_and_an_unchanged_list_keeps_its_version(
    aws: None,
) -> None:
    rng = random.Random(7)
    rows = [row(n, rng) for n in range(1, 6)]
    update(rows, "1")
    version = stored_list(ORGANISATION).version

    written = list_updates.update_lists(
        [
            # The same rows under another hash: only the version item's hash is written.
            ListUpdate(ORGANISATION, rows, stored_list(ORGANISATION), "2"),
            ListUpdate("other-bhv", rows[:2], stored_list("other-bhv"), "3"),
        ]
    )

    other = list(RegistrationModel.query("other-bhv", consistent_read=True))
    assert written == 1 + len(other)
    assert {item.entry_key[:2] for item in other} == {"H#", "X#", "L#", "V#"}
    assert (stored_list(ORGANISATION).version, stored_list(ORGANISATION).content_hash) == (
        version,
        "2",
    )
    assert [r.qualification_number for r in rows_of_organisation("other-bhv")] == [
        r.qualification_number
        for r in sorted(rows[:2], key=lambda r: (r.sort_name, r.qualification_number))
    ]


def test_lists_switch_a_window_at_a_time_so_an_interrupted_import_loses_one_window_at_most(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registrations, "_WINDOW", 2)
    rng = random.Random(9)
    organisations = [f"org-{i}" for i in range(5)]
    rows = [row(n, rng) for n in range(1, 4)]
    # What the table holds after each BatchWriteItem: which lists have switched by then.
    switched_after: list[set[str]] = []

    def note(**_: object) -> None:
        switched_after.append({o for o in organisations if stored_list(o).version is not None})

    client = RegistrationModel._get_connection().connection.client
    client.meta.events.register("after-call.dynamodb.BatchWriteItem", note)
    try:
        list_updates.update_lists(ListUpdate(o, rows, stored_list(o), "h") for o in organisations)
    finally:
        client.meta.events.unregister("after-call.dynamodb.BatchWriteItem", note)

    # Each window: its lists' items (one call here), then their versions.
    assert switched_after == [
        set(),
        {"org-0", "org-1"},
        {"org-0", "org-1"},
        {"org-0", "org-1", "org-2", "org-3"},
        {"org-0", "org-1", "org-2", "org-3"},
        set(organisations),
    ]
    for organisation in organisations:
        assert len(rows_of_organisation(organisation)) == 3
