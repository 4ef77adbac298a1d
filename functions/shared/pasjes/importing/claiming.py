"""Deciding what an import does against the last export loaded, and taking its lock.

The lock is taken only if the state the decision was made on is still the state: two imports
racing (the importer runs two at once, SQS may deliver an event twice) would otherwise each
decide on what the other is about to change, and the later one record as loaded an export whose
rows it never wrote. When the state moved meanwhile, the import decides again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pasjes import rules
from pasjes.dal import imports
from pasjes.importing.manifest import Manifest
from pasjes.importing.report import Outcome

# Deciding again takes one read; more than a few changes of state in a row means imports keep
# finishing meanwhile, and SQS delivering this one later is as good.
_ATTEMPTS = 3
_log = logging.getLogger(__name__)
# Marks the files' hash of an export loaded with contact persons left out (a refused invitation):
# the same files under a new id are read again, so those are tried again, and are still the
# same files for the exportId they were loaded under.
RETRY_MARK = "+retry"


class ImportBusy(RuntimeError):
    """Another import is running: retry later (the function lets SQS deliver the event again)."""


@dataclass(frozen=True)
class Decision:
    """`outcome` None: read, diff and load the export (under the lock unless a dry run);
    otherwise the import's outcome, with nothing (more) to do."""

    outcome: Outcome | None
    errors: tuple[str, ...] = ()
    # The files of the last export loaded under a new id: only recorded as loaded.
    record_only: bool = False


def decide(
    last: imports.LastLoaded,
    manifest: Manifest,
    exported_at: str,
    *,
    dry_run: bool,
    keep_order: bool,
    files: str | None,
) -> Decision:
    if not keep_order:
        return Decision(None)
    if last.exported_at is not None and last.exported_at > exported_at:
        return Decision(
            "refused",
            (
                f"the export was made at {manifest.exported_at_iso}, before the last one "
                f"loaded ({last.export_id}, made at {last.exported_at})",
            ),
        )
    if last.export_id == manifest.export_id and not dry_run:
        loaded_files = last.fingerprint and last.fingerprint.removesuffix(RETRY_MARK)
        if files is not None and loaded_files not in (None, files):
            return Decision(
                "refused",
                (
                    f"export {manifest.export_id} was loaded already, with other files: "
                    "a changed export needs an exportId of its own",
                ),
            )
        return Decision("unchanged")
    if files is not None and files == last.fingerprint:
        # The files of the last export loaded, under a new id: nothing to read or write.
        return Decision("dry-run" if dry_run else "unchanged", record_only=not dry_run)
    return Decision(None)


def claim(
    manifest: Manifest,
    exported_at: str,
    *,
    dry_run: bool,
    keep_order: bool,
    files: str | None,
    now: Callable[[], datetime],
) -> Decision:
    """Decide, and unless a dry run or nothing is to be done, take the lock on the state
    decided on (a `record_only` decision is recorded and the lock given back at once).
    Raises ImportBusy while another import holds the lock."""
    for _ in range(_ATTEMPTS):
        last = imports.last_loaded()
        decision = decide(
            last, manifest, exported_at, dry_run=dry_run, keep_order=keep_order, files=files
        )
        if dry_run or (decision.outcome is not None and not decision.record_only):
            return decision
        try:
            imports.claim(
                manifest.export_id,
                exported_at if keep_order else None,
                now(),
                lock_minutes=rules.IMPORT_LOCK_MINUTES,
                expected=last if keep_order else None,
            )
        except imports.StateChanged:
            continue
        except imports.NotNewer:
            return Decision("refused", ("a newer export was loaded while this one was checked",))
        except imports.ImportRunning:
            raise ImportBusy(
                f"another import is running; export {manifest.export_id} waits"
            ) from None
        if decision.record_only:
            imports.finish(manifest.export_id, exported_at, now(), files)
        return decision
    raise ImportBusy(f"imports kept finishing meanwhile; export {manifest.export_id} waits")


class Heartbeat:
    """Renews a running import's lock, so that an import longer than the lock (the CLI's
    first national load has no time limit) is not taken over while it writes. `beat` renews
    when `every` has passed since the last renewal; `started` runs it in a thread."""

    def __init__(
        self,
        export_id: str,
        now: Callable[[], datetime],
        *,
        every: timedelta = timedelta(minutes=rules.IMPORT_LOCK_RENEW_MINUTES),
    ) -> None:
        self.export_id = export_id
        self.now = now
        self.every = every
        self.renewed = now()
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> bool:
        """Renew the lock if due; False once it was found taken over (then never again)."""
        if self.lost:
            return False
        moment = self.now()
        if moment - self.renewed < self.every:
            return True
        try:
            imports.renew(self.export_id, moment)
        except imports.ImportRunning:
            self.lost = True
            return False
        self.renewed = moment
        return True

    def started(self) -> Heartbeat:
        def run() -> None:
            # Wakes well within `every`, so a renewal is never much late.
            while not self._stop.wait(self.every.total_seconds() / 4):
                try:
                    if not self.beat():
                        return
                except Exception:
                    # Tried again at the next wake: the lock lasts several renewals.
                    _log.exception("renewing the import's lock failed")

        self._thread = threading.Thread(target=run, name="import-lock", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
