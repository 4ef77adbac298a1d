"""`make overview` against the running local stack: the month's overview is sent now and each
mail the embedded SES records is written as a file into the stack's mail folder; a second run
in the same month sends nothing."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

from infra.local.overview import main
from tests.stack.harness import StackProcess


def run_overview(base_url: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--url", base_url]) == 0
    return out.getvalue()


def test_make_overview_writes_each_mail_as_a_file_and_sends_none_twice(
    stack_process: StackProcess,
) -> None:
    folder = stack_process.log.parent / f"mail-{stack_process.port}"

    first = run_overview(stack_process.base_url)
    second = run_overview(stack_process.base_url)

    files = sorted(folder.glob("*.html"))
    assert files, first
    assert all(str(f) in first for f in files)
    mail = Path(files[0]).read_text(encoding="utf-8")
    assert "Onderwerp:</b> Hercertificering: overzicht van" in mail
    assert f"{stack_process.base_url}/instellingen" in mail
    assert "verloopt=3m" in mail
    assert "no mail" in second
    assert sorted(folder.glob("*.html")) == files
