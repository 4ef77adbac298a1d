"""The contacts table: which organisations a contact person (a Cognito `sub`) is contact of.

Memberships live here, server-side; they are never taken from request input or token groups.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.attributes import UnicodeAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.models import Model

from pasjes.dal import TableName
from pasjes.domain import Organisation


class ContactModel(Model):
    class Meta:
        table_name = TableName("contacts_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    sub = UnicodeAttribute(hash_key=True)
    organisation_id = UnicodeAttribute(range_key=True, attr_name="organisationId")
    # Copied from the organisation so that one Query answers "whose contact am I".
    organisation_name = UnicodeAttribute(attr_name="organisationName")
    email = UnicodeAttribute()


def organisations_of(sub: str) -> list[Organisation]:
    """The organisations this contact person is contact of, sorted by name."""
    organisations = [
        Organisation(id=item.organisation_id, name=item.organisation_name)
        for item in ContactModel.query(sub)
    ]
    return sorted(organisations, key=lambda o: (o.name.casefold(), o.id))


def put_memberships(memberships: Iterable[tuple[str, str, Organisation]]) -> None:
    """Store (sub, email, organisation) memberships."""
    with ContactModel.batch_write() as batch:
        for sub, email, organisation in memberships:
            batch.save(
                ContactModel(
                    sub,
                    organisation.id,
                    organisation_name=organisation.name,
                    email=email,
                )
            )
