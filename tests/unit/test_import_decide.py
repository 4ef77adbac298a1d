"""What an import does, decided on the last export loaded (before any lock is taken)."""

from __future__ import annotations

from datetime import UTC, datetime

from pasjes.dal.imports import LastLoaded, stamp
from pasjes.importing import Manifest
from pasjes.importing.claiming import Decision, decide

T0 = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
T1 = datetime(2026, 5, 2, 6, 0, tzinfo=UTC)
LAST = LastLoaded("e1", stamp(T0), None, None, fingerprint="files-1", loaded_at=stamp(T0))


def decided(
    export_id: str,
    at: datetime,
    files: str | None,
    *,
    dry_run: bool = False,
    keep_order: bool = True,
) -> Decision:
    manifest = Manifest(export_id=export_id, exported_at=at, scope="full")
    return decide(LAST, manifest, stamp(at), dry_run=dry_run, keep_order=keep_order, files=files)


def test_an_older_export_is_refused_unless_loaded_by_hand() -> None:
    older = datetime(2026, 4, 30, tzinfo=UTC)

    assert decided("e0", older, "files-0").outcome == "refused"
    assert decided("e0", older, "files-0", keep_order=False) == Decision(None)


def test_the_same_export_again_is_unchanged_and_with_other_files_refused() -> None:
    assert decided("e1", T0, "files-1") == Decision("unchanged")
    assert decided("e1", T0, None) == Decision("unchanged")
    other = decided("e1", T0, "files-2")
    assert other.outcome == "refused"
    assert "with other files" in other.errors[0]


def test_the_last_files_under_a_new_id_are_only_recorded_and_a_dry_run_records_nothing() -> None:
    assert decided("e2", T1, "files-1") == Decision("unchanged", record_only=True)
    assert decided("e2", T1, "files-1", dry_run=True) == Decision("dry-run")
    assert decided("e2", T1, "files-2") == Decision(None)
