"""Login, user-management and access-token forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.comun.campos import REQUERIDO
from app.comun.opciones import opciones
from app.comun.roles import ETIQUETAS_ROL, Rol


class LoginForm(FlaskForm):
    """Log in with e-mail and password."""

    email = EmailField(_l("Correo electrónico"), validators=[DataRequired(REQUERIDO)])
    clave = PasswordField(_l("Contraseña"), validators=[DataRequired(REQUERIDO)])


class UsuarioForm(FlaskForm):
    """Create or edit a user account (ODES)."""

    email = EmailField(
        _l("Correo electrónico"),
        validators=[
            DataRequired(REQUERIDO),
            Email(_l("Correo electrónico no válido."), check_deliverability=False),
            Length(max=120),
        ],
    )
    nombre = StringField(
        _l("Nombre completo"), validators=[DataRequired(REQUERIDO), Length(max=120)]
    )
    rol = SelectField(_l("Rol"), choices=opciones([(r.value, ETIQUETAS_ROL[r]) for r in Rol]))
    region_id = SelectField(
        _l("Región (solo G/DRTPE)"), coerce=int, description=_l("Obligatoria para el rol G/DRTPE.")
    )
    unidad_id = SelectField(
        _l("Unidad del MTPE (solo Dirección)"),
        coerce=int,
        description=_l("Obligatoria para el rol Dirección del MTPE."),
    )
    clave = PasswordField(
        _l("Contraseña"),
        validators=[Optional(), Length(min=10, message=_l("Mínimo 10 caracteres."))],
        description=_l("Al editar, déjela en blanco para no cambiarla."),
    )
    activo = BooleanField(_l("Cuenta activa"), default=True)

    def datos(self) -> dict:
        """Return the account fields as plain data for the service."""
        return {
            "email": self.email.data.strip().lower(),
            "nombre": self.nombre.data.strip(),
            "rol": Rol(self.rol.data),
            "region_id": self.region_id.data or None,
            "unidad_id": self.unidad_id.data or None,
            "activo": bool(self.activo.data),
        }


class TokenForm(FlaskForm):
    """Create a personal access token for the REST API (its rules: services.crear_token)."""

    nombre = StringField(
        _l("Nombre del token"),
        validators=[
            DataRequired(_l("Indique para qué es el token.")),
            Length(max=80, message=_l("Máximo 80 caracteres.")),
        ],
        description=_l("Para qué o para qué sistema es, por ejemplo «Sistema regional»."),
    )
    solo_lectura = BooleanField(
        _l("Solo lectura"),
        default=True,
        description=_l("Un token de solo lectura consulta datos pero no puede modificarlos."),
    )
    dias = IntegerField(
        _l("Días de vigencia"),
        default=90,
        validators=[InputRequired(_l("Indique los días de vigencia (de 1 a 365)."))],
        description=_l("De 1 a 365 días; al vencer deja de funcionar."),
    )


class RevocarTokenForm(FlaskForm):
    """Revoke one token: its id travels in the form, not in the URL."""

    token_id = HiddenField()

    def id_elegido(self) -> int | None:
        """The token id sent, or None when it is not a plausible id."""
        texto = (self.token_id.data or "").strip()
        return int(texto) if texto.isdecimal() and len(texto) < 10 else None
