"""A contact person's own settings ("Instellingen"): for now whether they get the monthly
overview by e-mail. Stored server-side in their settings item of the contacts table
(pasjes.dal.contacts), which the import never touches."""

from __future__ import annotations

from pasjes.api_models.settings import PersonalSettings
from pasjes.dal import contacts


def my_settings(caller_sub: str) -> PersonalSettings:
    return PersonalSettings(monthly_overview=contacts.monthly_overview(caller_sub))


def save_my_settings(caller_sub: str, wanted: PersonalSettings) -> PersonalSettings:
    """Only the caller's own item: the sub is the token's, never from input. Answers what is
    now stored, which is what was asked (no read back: an eventually consistent one could
    still give the old value)."""
    contacts.set_monthly_overview(caller_sub, wanted.monthly_overview)
    return PersonalSettings(monthly_overview=wanted.monthly_overview)
