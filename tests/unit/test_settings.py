"""Settings: exactly the environment, validated on first use, with no default for anything."""

from __future__ import annotations

import pytest

from pasjes.settings import Settings, SettingsError
from tests.conftest import ENVIRONMENT, REGION

EVERY_FUNCTION = {
    k: v for k, v in ENVIRONMENT.items() if k.endswith(("_TABLE", "_BUCKET", "_QUEUE_URL"))
}


def test_every_missing_variable_is_named_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"AWS_REGION": REGION, "HOLDERS_TABLE": "h"})

    assert raised.value.variables == [
        "CONTACTS_TABLE",
        "IDEMPOTENCY_TABLE",
        "ORGANISATIONS_TABLE",
        "PASSES_BUCKET",
        "REGISTRATIONS_TABLE",
        "REQUESTS_TABLE",
    ]
    assert "CONTACTS_TABLE: missing" in str(raised.value)


def test_the_render_queue_is_required_by_the_function_that_sends_to_it_only() -> None:
    # The operator's import reads the same settings and has no use for the queue.
    without_queue = {k: v for k, v in EVERY_FUNCTION.items() if k != "RENDER_QUEUE_URL"}
    settings = Settings.from_env({"AWS_REGION": REGION, **without_queue})

    with pytest.raises(SettingsError) as raised:
        settings.required("render_queue_url")

    assert raised.value.variables == ["RENDER_QUEUE_URL"]


def test_an_empty_variable_is_a_missing_one_and_the_region_is_required() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**EVERY_FUNCTION, "PASSES_BUCKET": "  "})

    assert raised.value.variables == ["AWS_REGION", "PASSES_BUCKET"]


def test_a_garbled_number_is_refused() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**EVERY_FUNCTION, "AWS_REGION": REGION, "MAX_RECEIVES": "three"})

    assert raised.value.variables == ["MAX_RECEIVES"]


def test_the_region_is_the_runtimes_own_variable() -> None:
    settings = Settings.from_env({**EVERY_FUNCTION, "AWS_DEFAULT_REGION": "eu-central-1"})
    assert settings.region == "eu-central-1"


def test_what_one_function_needs_is_checked_by_that_function() -> None:
    settings = Settings.from_env({**EVERY_FUNCTION, "AWS_REGION": REGION})

    with pytest.raises(SettingsError) as raised:
        settings.require("cursor_secret_name", "max_receives")

    assert raised.value.variables == ["CURSOR_SECRET_NAME", "MAX_RECEIVES"]


def test_no_secret_comes_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            **EVERY_FUNCTION,
            "AWS_REGION": REGION,
            "CURSOR_SECRET": "leaked",
            "CURSOR_SECRET_NAME": "n",
        }
    )
    assert "leaked" not in repr(settings)
    assert settings.cursor_secret_name == "n"
