"""Shared model mixins and the clock every timestamp uses (the declarative base is in
app/extensions.py, beside the `db` it configures)."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column


def ahora() -> datetime:
    """Return the current UTC time (timezone-aware)."""
    return datetime.now(UTC)


class TimestampMixin:
    """Creation and last-update timestamps."""

    #: When the row was created (UTC)
    creado_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=ahora)
    #: When the row was last changed (UTC)
    actualizado_en: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=ahora, onupdate=ahora
    )
