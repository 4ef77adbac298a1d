"""The cursor key is read from Secrets Manager at run time, and a function whose environment
is incomplete refuses to run instead of falling back to a default."""

from __future__ import annotations

import boto3
import pytest
from aws_lambda_powertools.utilities.parameters import clear_caches

from functions.search.app import handler as search_handler
from functions.submit.app import handler as submit_handler
from pasjes.settings import SettingsError, get_settings
from tests.conftest import ENVIRONMENT, KEIRA, api_event, call


def holders(cursor: str | None = None) -> tuple[int, dict[str, object]]:
    query = {"organisation": KEIRA.id, "limit": "2", **({"cursor": cursor} if cursor else {})}
    status, body = call(search_handler, api_event("GET", "/holders", query=query))
    return status, body


def test_cursors_are_signed_with_the_key_in_secrets_manager(portal: None) -> None:
    status, first = holders()
    assert status == 200
    cursor = str(first["nextCursor"])
    assert holders(cursor)[0] == 200

    # The key rotated, and this container's cache of it ran out: old cursors no longer verify.
    boto3.client("secretsmanager").put_secret_value(
        SecretId=ENVIRONMENT["CURSOR_SECRET_NAME"], SecretString="a-new-key-after-rotation"
    )
    clear_caches()

    status, body = holders(cursor)
    assert (status, body["code"]) == (400, "invalid_cursor")


@pytest.mark.parametrize(
    ("handler", "variable"),
    [(search_handler, "CURSOR_SECRET_NAME"), (submit_handler, "RENDER_QUEUE_URL")],
    ids=["search", "submit"],
)
def test_a_function_missing_a_variable_it_needs_fails_closed_at_its_first_call(
    portal: None, monkeypatch: pytest.MonkeyPatch, handler: object, variable: str
) -> None:
    monkeypatch.delenv(variable)
    get_settings.cache_clear()

    with pytest.raises(SettingsError) as raised:
        call(handler, api_event("GET", "/me"))

    assert raised.value.variables == [variable]
