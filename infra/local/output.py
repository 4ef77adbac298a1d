"""The local stack's lines: the banner and one line per request on stdout, warnings and
handler failures on stderr."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

Log = Callable[[str], None]


class Output:
    """One line at a time on stdout, from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        with self._lock:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()


def stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
