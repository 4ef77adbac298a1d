"""The contacts table: which organisations a contact person (a Cognito `sub`) is contact of.

Memberships live here, server-side; they are never taken from request input or token groups.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from pasjes.dal import TableName
from pasjes.domain import Organisation


class ByOrganisationIndex(GlobalSecondaryIndex["ContactModel"]):
    """Who the contact persons of an organisation are: what an import replaces."""

    class Meta:
        index_name = "byOrganisation"
        projection = KeysOnlyProjection()

    organisation_id = UnicodeAttribute(hash_key=True, attr_name="organisationId")
    sub = UnicodeAttribute(range_key=True)


class ContactModel(Model):
    class Meta:
        table_name = TableName("contacts_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    sub = UnicodeAttribute(hash_key=True)
    organisation_id = UnicodeAttribute(range_key=True, attr_name="organisationId")
    # Copied from the organisation so that one Query answers "whose contact am I".
    organisation_name = UnicodeAttribute(attr_name="organisationName")
    email = UnicodeAttribute()
    # Only on the person's settings item (see SETTINGS): false once they turned the monthly
    # overview off; absent (the default) is on.
    monthly_overview = BooleanAttribute(null=True, attr_name="monthlyOverview")
    by_organisation = ByOrganisationIndex()


# The person's own settings live in one item of theirs beside the memberships, under a range key
# no organisation id can have ('#' is outside ORGANISATION_ID_PATTERN): the import, which
# replaces memberships per organisation, never touches it.
SETTINGS = "#settings"


def organisations_of(sub: str) -> list[Organisation]:
    """The organisations this contact person is contact of, sorted by name."""
    organisations = [
        Organisation(id=item.organisation_id, name=item.organisation_name)
        for item in ContactModel.query(sub)
        if item.organisation_id != SETTINGS
    ]
    return sorted(organisations, key=lambda o: (o.name.casefold(), o.id))


def put_memberships(memberships: Iterable[tuple[str, str, Organisation]]) -> None:
    """Store (sub, email, organisation) memberships."""
    replace_memberships([], memberships)


def replace_memberships(
    organisation_ids: Iterable[str], memberships: Iterable[tuple[str, str, Organisation]]
) -> list[tuple[str, str]]:
    """Store (sub, email, organisation) memberships, and make them the only contact persons of
    the organisations named: whoever is no longer listed loses access at once.

    Returns the (sub, organisation id) memberships that ended."""
    memberships = list(memberships)
    keep = {(sub, organisation.id) for sub, _, organisation in memberships}
    stale = [
        (item.sub, item.organisation_id)
        for organisation_id in set(organisation_ids)
        for item in ContactModel.by_organisation.query(organisation_id)
        if (item.sub, item.organisation_id) not in keep
    ]
    write_memberships(memberships, stale)
    return stale


def contact_subs(organisation_id: str) -> set[str]:
    """The subs of the organisation's contact persons now (its byOrganisation index)."""
    return {item.sub for item in ContactModel.by_organisation.query(organisation_id)}


def write_memberships(
    added: Iterable[tuple[str, str, Organisation]], ended: Iterable[tuple[str, str]]
) -> int:
    """Store the (sub, email, organisation) memberships and delete the ended (sub, organisation
    id) ones; returns the items written."""
    count = 0
    with ContactModel.batch_write() as batch:
        for sub, organisation_id in ended:
            batch.delete(ContactModel(sub, organisation_id))
            count += 1
        for sub, email, organisation in added:
            batch.save(
                ContactModel(sub, organisation.id, organisation_name=organisation.name, email=email)
            )
            count += 1
    return count


def monthly_overview(sub: str) -> bool:
    """Whether the person gets the monthly overview by e-mail (on unless they turned it off)."""
    return monthly_overview_of([sub]).get(sub, True)


def monthly_overview_of(subs: Iterable[str]) -> dict[str, bool]:
    """The setting of each of these people who has a settings item (BatchGet); others are on."""
    keys = [(sub, SETTINGS) for sub in sorted(set(subs))]
    return {item.sub: item.monthly_overview is not False for item in ContactModel.batch_get(keys)}


def set_monthly_overview(sub: str, on: bool) -> None:
    # No address on it: the overview mails the one on the memberships, which the import keeps.
    ContactModel(sub, SETTINGS, organisation_name="", email="", monthly_overview=on).save()


def contacts_of(organisation_id: str) -> dict[str, str]:
    """The organisation's contact persons now: sub -> email (the index, then their items)."""
    keys = [
        (item.sub, organisation_id) for item in ContactModel.by_organisation.query(organisation_id)
    ]
    return {item.sub: item.email for item in ContactModel.batch_get(keys)}
