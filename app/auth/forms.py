"""Login and user-management forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.auth.models import ETIQUETAS_ROL, Rol
from app.opciones import opciones

REQUERIDO = "Este campo es obligatorio."


class LoginForm(FlaskForm):
    """Log in with e-mail and password."""

    email = EmailField("Correo electrónico", validators=[DataRequired(REQUERIDO)])
    clave = PasswordField("Contraseña", validators=[DataRequired(REQUERIDO)])


class UsuarioForm(FlaskForm):
    """Create or edit a user account (ODES)."""

    email = EmailField(
        "Correo electrónico",
        validators=[
            DataRequired(REQUERIDO),
            Email("Correo electrónico no válido.", check_deliverability=False),
            Length(max=120),
        ],
    )
    nombre = StringField("Nombre completo", validators=[DataRequired(REQUERIDO), Length(max=120)])
    rol = SelectField("Rol", choices=opciones([(r.value, ETIQUETAS_ROL[r]) for r in Rol]))
    region_id = SelectField(
        "Región (solo G/DRTPE)", coerce=int, description="Obligatoria para el rol G/DRTPE."
    )
    unidad_id = SelectField(
        "Unidad del MTPE (solo Dirección)",
        coerce=int,
        description="Obligatoria para el rol Dirección del MTPE.",
    )
    clave = PasswordField(
        "Contraseña",
        validators=[Optional(), Length(min=10, message="Mínimo 10 caracteres.")],
        description="Al editar, déjela en blanco para no cambiarla.",
    )
    activo = BooleanField("Cuenta activa", default=True)

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
