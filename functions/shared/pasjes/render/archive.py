"""A request's passes as one ZIP: one PDF per pass, named as the manual shows."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime

from pasjes.domain import Pass
from pasjes.filenames import unique_entry_names
from pasjes.logic.verification import PassLinks, configured_links
from pasjes.render.renderer import PassRenderer

# The ZIP format's own epoch. A fixed time keeps the archive a function of the passes alone,
# so a redelivered render message writes the very same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_UNIX = 3
_FILE_MODE = 0o100644
# A progress write per 50 passes: five small writes for a full request.
PROGRESS_EVERY = 50


def build_zip(
    passes: Sequence[Pass],
    modified_at: datetime | None = None,
    on_progress: Callable[[int], object] | None = None,
    *,
    links: PassLinks | None = None,
    issuer: str | None = None,
) -> bytes:
    """The ZIP of `passes`, in their order; the same passes always give the same bytes.

    Entries are stored, not deflated: PDF streams are compressed already, so deflating saves
    under 15% for ten times the time. `modified_at` (say, the request's creation time) is
    the time the entries show once unpacked; without it they show FIXED_TIME. `on_progress`
    hears how many passes are done, every PROGRESS_EVERY passes. Passes carry the QR code of
    `links`, by default the deployment's (`configured_links`: none where no secret is set),
    and say who issued them (`issuer`, see pasjes.logic.render.issuer_of).
    """
    when = FIXED_TIME
    if modified_at is not None:
        m = modified_at
        when = (m.year, m.month, m.day, m.hour, m.minute, m.second)
    renderer = PassRenderer(passes, links or configured_links(), issuer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, (name, p) in enumerate(zip(unique_entry_names(passes), passes, strict=True), 1):
            entry = zipfile.ZipInfo(name, date_time=when)
            # Pinned rather than taken from the platform the render runs on.
            entry.create_system = _UNIX
            entry.external_attr = _FILE_MODE << 16
            archive.writestr(entry, renderer.render(p))
            if on_progress is not None and done % PROGRESS_EVERY == 0 and done < len(passes):
                on_progress(done)
    return out.getvalue()
