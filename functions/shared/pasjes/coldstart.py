"""The garbage collector paused while a function's modules are imported.

A cold start allocates a few hundred thousand long-lived objects (botocore's models, pydantic's
schemas, our routes); the collector, counting allocations, walks them all again and again while
they are made (about a tenth of the import, measured in bench/coldstart.py) and finds nothing to
free. So a handler module imports this first, which pauses the collector, and calls `finished()`
after its last line of set-up: what was imported moves to the permanent generation (gc.freeze),
out of every later collection's way, and the collector runs as usual from then on.

The trade: garbage the import itself leaves in reference cycles is frozen with the rest and
never freed (a collection to find it would cost most of what the pause saves), and an import
that fails leaves the collector off; in Lambda that container's start has failed anyway.

The pause happens once per process, at this module's first import: a Lambda container imports
one handler. (Where several are imported in one process, as by the local stack or the tests,
the later ones import with the collector running, which changes nothing but their speed.)
"""

from __future__ import annotations

import gc

gc.disable()


def finished() -> None:
    gc.freeze()
    gc.enable()
