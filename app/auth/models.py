"""User accounts and roles."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.comun.base import TimestampMixin
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
