"""The idempotency table. Powertools Idempotency reads and writes it; this model only defines
its keys once, so the local stack and tests create it the same way the template does."""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.constants import PAY_PER_REQUEST_BILLING_MODE
from pynamodb.models import Model

from pasjes.dal import TableName


class IdempotencyModel(Model):
    class Meta:
        table_name = TableName("idempotency_table")
        billing_mode = PAY_PER_REQUEST_BILLING_MODE

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)
