"""The one settings object: exactly what comes from the environment, validated when a function
first asks for it (its cold start), never at import.

Nothing has a default: a missing variable is an error naming every missing variable, not a
silent fallback. The variables every function gets (the tables, the bucket) are required here;
those only some functions get are checked by the function that needs them, at its cold start,
with `Settings.require`. Secrets are never here: only the names of the secrets, which the code
reads from Secrets Manager at run time (`pasjes.aws.secret_text`). The limits are in
`pasjes.rules`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError
from pydantic.dataclasses import dataclass

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# The field `region` is the runtime's own variable; every other field is its name upper-cased.
_REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")


class SettingsError(RuntimeError):
    """The environment lacks (or garbles) what a function needs: it refuses to run at all."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.variables = sorted(problems)
        listed = "; ".join(f"{name}: {problems[name]}" for name in self.variables)
        super().__init__(
            f"The function's environment is incomplete ({listed}). Set these variables in its "
            "configuration (template.yaml); nothing falls back to a default."
        )


@dataclass(frozen=True)
class Settings:
    region: Name
    organisations_table: Name
    contacts_table: Name
    holders_table: Name
    registrations_table: Name
    requests_table: Name
    idempotency_table: Name
    passes_bucket: Name
    # The importer's own table: the last export loaded and what it loaded (pasjes.dal.imports).
    imports_table: Name | None = None
    # For some functions only; each checks its own with `require` at its cold start.
    # The render queue (submit sends to it); the operator's import has no use for it.
    render_queue_url: Name | None = None
    # The name (not the value) of the Secrets Manager secret that signs paging cursors.
    cursor_secret_name: Name | None = None
    # The render queue's maxReceiveCount: the last delivery marks a request failed.
    max_receives: Annotated[int, Field(ge=1)] | None = None
    # The portal's public origin: passes link to {public_origin}/v/{code}.
    public_origin: Name | None = None
    # The name of the secret holding the verification keys; without it passes get no QR code.
    verification_secret_name: Name | None = None
    # Render's: who the passes say issued them. The registry's name (the template's IssuerName),
    # and whether a pass names it ("registry") or the request's organisation ("organisation",
    # the template's PassIssuedBy). Without a name, passes carry no such line.
    issuer_name: Name | None = None
    issued_by: Literal["registry", "organisation"] | None = None
    # The importer's: the bucket the registry drops its exports into (reports go there too),
    # and the user pool whose contact persons the import invites, disables and enables.
    exports_bucket: Name | None = None
    user_pool_id: Name | None = None
    # The monthly overview's: the sender (a verified SES identity), the SES configuration set
    # (its suppression options stop mail to addresses that bounced or complained).
    mail_sender: Name | None = None
    mail_configuration_set: Name | None = None
    # Mails a second at most: the account's SES maximum send rate (14 out of the sandbox).
    mail_send_rate: Annotated[float, Field(gt=0)] = 14.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, str] = {}
        for field in dataclasses.fields(cls):
            names = _REGION_VARIABLES if field.name == "region" else (field.name.upper(),)
            value = next((env[n] for n in names if env.get(n, "").strip()), None)
            if value is not None:
                values[field.name] = value
        try:
            return cls(**values)  # type: ignore[arg-type]  # pydantic converts the strings
        except ValidationError as error:
            raise SettingsError(
                {_variable(str(e["loc"][0])): _problem(e["type"]) for e in error.errors()}
            ) from None

    def require(self, *fields: str) -> Settings:
        """These optional settings must be there for the calling function; returns self."""
        missing = {_variable(f): "missing" for f in fields if getattr(self, f) is None}
        if missing:
            raise SettingsError(missing)
        return self

    def required(self, field: str) -> Any:
        """The value of an optional setting the calling function cannot do without."""
        return getattr(self.require(field), field)


def _variable(field: str) -> str:
    return _REGION_VARIABLES[0] if field == "region" else field.upper()


def _problem(error_type: str) -> str:
    return "missing" if error_type == "missing" else f"not valid ({error_type})"


@cache
def get_settings() -> Settings:
    return Settings.from_env()
