"""Imports racing each other (the importer runs two at once; SQS may deliver an event twice),
the lock of a long import kept, and what counts as the same export."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from infra.ops.dataset.writing import records_of
from pasjes.dal import imports
from pasjes.dal.holders import get_holder
from pasjes.dal.organisations import get_organisation
from pasjes.dal.registrations import rows_of_organisation
from pasjes.importing import Dataset, ImportReport, Manifest
from pasjes.importing.claiming import Heartbeat
from tests.aws.test_import_export import JORIS, KEIRA, T0, dataset, export, pool, run

__all__ = ["pool", "run"]  # fixtures, used by name


def meanwhile(
    monkeypatch: pytest.MonkeyPatch, other: Callable[[], ImportReport]
) -> list[ImportReport]:
    """Runs `other` to its end just before the next import takes its lock, as a second import
    running at the same time would: after the first one read the state and decided."""
    real_claim = imports.claim
    reports: list[ImportReport] = []

    def claim(*args: Any, **kwargs: Any) -> None:
        monkeypatch.setattr(imports, "claim", real_claim)
        reports.append(other())
        real_claim(*args, **kwargs)

    monkeypatch.setattr(imports, "claim", claim)
    return reports


def test_an_import_decided_before_another_loaded_decides_again(
    run: Callable[..., ImportReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(export(dataset(), "e1"))
    # e3 has e1's files: decided on e1's state, it would only be recorded as loaded.
    other = meanwhile(monkeypatch, lambda: run(export(dataset(keira=59), "e2", T0 + timedelta(1))))

    report = run(export(dataset(), "e3", T0 + timedelta(days=2)))

    assert [r.outcome for r in other] == ["loaded"]
    assert report.outcome == "loaded"
    assert get_holder("00000060") is not None
    assert len(rows_of_organisation(KEIRA.id)) == 60
    assert imports.last_loaded().export_id == "e3"
    assert not [t for t in threading.enumerate() if t.name == "import-lock"]


def test_an_export_delivered_twice_at_once_is_loaded_once(
    run: Callable[..., ImportReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(export(dataset(), "e1"))
    contacts = {
        "contact@keira.example": (KEIRA.id,),
        "joris@example.org": (JORIS.id,),
        "nieuw@keira.example": (KEIRA.id,),
    }
    payload = export(dataset(keira=61, contacts=contacts), "e2", T0 + timedelta(days=1))
    other = meanwhile(monkeypatch, lambda: run(payload))

    report = run(payload)

    assert [(r.outcome, len(r.invitations)) for r in other] == [("loaded", 1)]
    assert (report.outcome, report.items_written, report.errors) == ("unchanged", 0, ())
    assert len(rows_of_organisation(KEIRA.id)) == 61


def test_the_files_of_the_last_export_are_refused_when_a_newer_one_loaded_meanwhile(
    run: Callable[..., ImportReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(export(dataset(), "e1"))
    other = meanwhile(monkeypatch, lambda: run(export(dataset(keira=59), "e3", T0 + timedelta(3))))

    report = run(export(dataset(), "e2", T0 + timedelta(days=2)))

    assert [r.outcome for r in other] == ["loaded"]
    assert report.outcome == "refused"
    assert report.errors == ("a newer export was loaded while this one was checked",)
    assert imports.last_loaded().export_id == "e3"
    assert imports.last_loaded().running is None


class Clock:
    def __init__(self) -> None:
        self.moment = T0

    def __call__(self) -> Any:
        return self.moment


def test_a_long_import_renews_its_lock_so_no_other_import_takes_it_over(aws: None) -> None:
    clock = Clock()
    imports.claim("e1", None, clock(), lock_minutes=20)
    heartbeat = Heartbeat("e1", clock, every=timedelta(minutes=5))

    clock.moment = T0 + timedelta(minutes=4)
    assert heartbeat.beat()
    renewed_at_4 = imports.last_loaded().running_since
    clock.moment = T0 + timedelta(minutes=16)
    assert heartbeat.beat()
    renewed_at_16 = imports.last_loaded().running_since

    assert renewed_at_4 == imports.stamp(T0)  # not due yet
    assert renewed_at_16 == imports.stamp(T0 + timedelta(minutes=16))
    with pytest.raises(imports.ImportRunning):
        imports.claim("e2", None, T0 + timedelta(minutes=25), lock_minutes=20)
    assert imports.last_loaded().running == "e1"


def test_a_lock_taken_over_is_not_renewed(aws: None) -> None:
    clock = Clock()
    imports.claim("e1", None, clock(), lock_minutes=20)
    heartbeat = Heartbeat("e1", clock, every=timedelta(minutes=5))
    imports.claim("e2", None, T0 + timedelta(minutes=21), lock_minutes=20)

    clock.moment = T0 + timedelta(minutes=22)

    assert not heartbeat.beat()
    assert heartbeat.lost
    assert imports.last_loaded().running == "e2"
    assert imports.last_loaded().running_since == imports.stamp(T0 + timedelta(minutes=21))


def test_a_heartbeat_thread_stops_when_told(aws: None) -> None:
    heartbeat = Heartbeat("e1", Clock()).started()

    heartbeat.stop()

    assert not [t for t in threading.enumerate() if t.name == "import-lock"]


def test_a_full_export_with_the_files_of_a_partial_one_removes_what_that_one_left_out(
    run: Callable[..., ImportReport],
) -> None:
    run(export(dataset(), "e1"))
    only_keira = replace(
        dataset(joris=0, contacts={"contact@keira.example": (KEIRA.id,)}), organisations=(KEIRA,)
    )
    partial = run(
        export(only_keira, "p1", T0 + timedelta(1), scope="partial", organisations=(KEIRA.id,))
    )

    report = run(export(only_keira, "f2", T0 + timedelta(days=2), allow_large_removal=True))

    assert partial.outcome == "unchanged"
    assert get_organisation(JORIS.id) is None
    assert (report.outcome, report.counts["organisationsRemoved"]) == ("loaded", 1)


def json_export(data: Dataset, export_id: str) -> bytes:
    manifest = Manifest(export_id=export_id, exported_at=T0, scope="full")
    return json.dumps({"manifest": manifest.as_json(), **records_of(data)}).encode()


def test_a_json_export_id_loaded_already_with_other_content_is_refused(
    run: Callable[..., ImportReport],
) -> None:
    first = run(json_export(dataset(), "e1"))

    again = run(json_export(dataset(), "e1"))
    changed = run(json_export(dataset(keira=61), "e1"))

    assert (first.outcome, again.outcome) == ("loaded", "unchanged")
    assert changed.outcome == "refused"
    assert "loaded already, with other files" in changed.errors[0]
    assert len(rows_of_organisation(KEIRA.id)) == 60
