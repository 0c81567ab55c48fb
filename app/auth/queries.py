"""Account reads: a user's personal access tokens."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import TokenAcceso
from app.extensions import db


def tokens_de(usuario_id: int) -> list[TokenAcceso]:
    """Every token of a user, revoked and expired ones included, newest first."""
    return list(
        db.session.scalars(
            sa.select(TokenAcceso)
            .where(TokenAcceso.usuario_id == usuario_id)
            .order_by(TokenAcceso.creado_en.desc(), TokenAcceso.id.desc())
        )
    )


def token_de(usuario_id: int, token_id: int) -> TokenAcceso | None:
    """The token with this id if it belongs to the user, else None."""
    return db.session.scalar(
        sa.select(TokenAcceso).where(
            TokenAcceso.id == token_id, TokenAcceso.usuario_id == usuario_id
        )
    )
