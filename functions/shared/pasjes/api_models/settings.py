"""The settings function's answers and body: the contact person's own settings."""

from __future__ import annotations

from pydantic import ConfigDict, Field, StrictBool

from pasjes.api_models.common import ApiModel


class PersonalSettings(ApiModel):
    """What the "Instellingen" screen shows and saves."""

    model_config = ConfigDict(extra="forbid")

    # Strict: the document says boolean, so 0, 1 or "true" are refused, as a fuzzer expects.
    monthly_overview: StrictBool = Field(
        description="Maandelijks overzicht per e-mail: on the first working day of the month, "
        "how many holders of each of one's organisations have a qualification expiring in the "
        "next 3 months or one that expired last month (counts only). On unless turned off."
    )
