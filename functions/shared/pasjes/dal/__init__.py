"""Data access: one module per DynamoDB table, and the only code that imports pynamodb."""

from __future__ import annotations

from typing import Any

from pasjes.settings import get_settings


class TableName:
    """A Meta.table_name read from the settings when first used, so imports never read env."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __get__(self, instance: Any, owner: Any) -> str:
        # `required`: a table only some functions have (the importer's) must be set for them.
        return str(get_settings().required(self.setting))
