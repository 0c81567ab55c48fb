"""User accounts and roles, and the personal access tokens other systems call the API with."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.comun import version_datos
from app.comun.base import TimestampMixin, ahora
from app.comun.roles import Rol
from app.extensions import db


class Usuario(UserMixin, TimestampMixin, db.Model):
    """A person who logs in; drtpe users are bound to a region, direccion users to a unit."""

    __tablename__ = "usuario"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name (e-mail), stored lower-case
    email: Mapped[str] = mapped_column(sa.String(120), unique=True)
    nombre: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    rol: Mapped[Rol] = mapped_column(sa.Enum(Rol, name="rol", native_enum=False, length=20))
    #: Region of a drtpe user
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), index=True)
    #: MTPE unit of a direccion user
    unidad_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unidad_mtpe.id"), index=True)
    activo: Mapped[bool] = mapped_column(default=True)
    #: Session generation: part of every session cookie's user id (get_id); raising it ends all
    #: of the account's sessions (logout, password change, deactivation, ODES's button)
    generacion_sesion: Mapped[int] = mapped_column(default=0, server_default="0")

    region = relationship("Region", lazy="joined")
    unidad = relationship("UnidadMTPE", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "(rol != 'drtpe' OR region_id IS NOT NULL) "
            "AND (rol != 'direccion' OR unidad_id IS NOT NULL)",
            name="ambito_segun_rol",
        ),
    )

    def set_password(self, clave: str) -> None:
        """Store a salted hash of the password."""
        from flask import current_app

        metodo = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(clave, method=metodo)

    def check_password(self, clave: str) -> bool:
        """Tell whether clave matches the stored hash."""
        return check_password_hash(self.password_hash, clave)

    def get_id(self) -> str:
        """Flask-Login's "alternative token": id and session generation, e.g. "12:3".

        The user loader (app/web.py) accepts a session only while its generation is the
        account's current one, so raising generacion_sesion revokes every copy of the cookie.
        """
        return f"{self.id}:{self.generacion_sesion or 0}"

    def cerrar_sesiones(self) -> None:
        """Raise the session generation (in SQL, so concurrent raises never collapse into one)."""
        self.generacion_sesion = Usuario.generacion_sesion + 1

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.activo

    @property
    def ambito(self) -> str:
        """Region or unit the user is bound to, for display."""
        if self.rol is Rol.drtpe and self.region:
            return self.region.nombre
        if self.rol is Rol.direccion and self.unidad:
            return self.unidad.sigla
        return ""

    def __repr__(self) -> str:
        return f"<Usuario {self.email} {self.rol.value}>"


def _aware(momento: datetime) -> datetime:
    """SQLite hands back naive UTC timestamps; make them comparable."""
    return momento if momento.tzinfo else momento.replace(tzinfo=UTC)


class TokenAcceso(db.Model):
    """A personal access token: another system calls the API as this user (role and scope).

    The token text (`cg_<prefijo>_<secreto>`) is shown once and never stored: only its
    SHA-256 is. `prefijo` is the public part that finds the row. Nothing is deleted: a
    revoked token stays listed.
    """

    __tablename__ = "token_acceso"

    id: Mapped[int] = mapped_column(primary_key=True)
    usuario_id: Mapped[int] = mapped_column(sa.ForeignKey("usuario.id"), index=True)
    #: What the token is for (e.g. "Sistema regional de Loreto")
    nombre: Mapped[str] = mapped_column(sa.String(80))
    #: Public part of the text (8 hex characters), unique: finds the row
    prefijo: Mapped[str] = mapped_column(sa.String(12), unique=True)
    #: SHA-256 (hex) of the whole token text
    hash_secreto: Mapped[str] = mapped_column(sa.String(64))
    #: Reads only: the API refuses its writes
    solo_lectura: Mapped[bool] = mapped_column(default=True)
    expira_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    #: Last accepted use (recorded at most once a minute)
    ultimo_uso_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revocado_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revocado_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))
    creado_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=ahora)
    creado_por_id: Mapped[int] = mapped_column(sa.ForeignKey("usuario.id"))

    usuario: Mapped[Usuario] = relationship(foreign_keys=[usuario_id], lazy="joined")
    creado_por: Mapped[Usuario] = relationship(foreign_keys=[creado_por_id])
    revocado_por: Mapped[Usuario | None] = relationship(foreign_keys=[revocado_por_id])

    @property
    def vencido(self) -> bool:
        """Past its expiry."""
        return _aware(self.expira_en) <= ahora()

    @property
    def vigente(self) -> bool:
        """Accepted by the API: not revoked, not expired, and its user's account active."""
        return self.revocado_en is None and not self.vencido and self.usuario.activo

    @property
    def estado(self) -> str:
        """State shown in the lists: vigente, revocado, vencido or inactivo (account off)."""
        if self.revocado_en is not None:
            return "revocado"
        if self.vencido:
            return "vencido"
        return "vigente" if self.usuario.activo else "inactivo"

    @property
    def visible(self) -> str:
        """How the token is shown after its creation: its public part only."""
        return f"cg_{self.prefijo}_…"

    def __repr__(self) -> str:
        return f"<TokenAcceso {self.prefijo} de {self.usuario_id}>"


# Recording a token's last use (every API call, at most once a minute) is shown by no stored
# page: it keeps the data version, so the API's reads do not clear every stored page.
version_datos.sin_paginas(TokenAcceso.__tablename__)
