"""View of the cycle import (ODES): an IdG set, convenios, semesters or approved goals from a
file, all or nothing, with a dry run."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import BooleanField, SelectField

from app.comun.opciones import opciones
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.services import ciclo_importacion
from app.extensions import db


class ImportarCicloForm(FlaskForm):
    """Upload one file of a cycle: which kind, the file, and whether only to check it."""

    tipo = SelectField(
        _l("Tipo de archivo"),
        choices=opciones(
            [
                ("indicadores", _l("Indicadores (IdG) de un ciclo")),
                ("convenios", _l("Convenios")),
                ("periodos", _l("Periodos (semestres y fechas límite)")),
                ("metas", _l("Metas aprobadas")),
            ]
        ),
    )
    archivo = FileField(
        _l("Archivo CSV o Excel"),
        validators=[
            FileRequired(_l("Seleccione un archivo.")),
            FileAllowed(["csv", "xlsx"], _l("Solo se admiten archivos .csv o .xlsx.")),
        ],
        description=_l("Con la cabecera del tipo de archivo elegido; fechas como AAAA-MM-DD."),
    )
    simular = BooleanField(_l("Solo validar (no guarda nada)"))


@bp.route("/ciclo/importar", methods=["GET", "POST"])
@permitido(Rol.odes)
def importar_ciclo():
    """Upload a cycle file: show its errors by row and column, or what it created or would."""
    form = ImportarCicloForm()
    resultado = None
    if form.validate_on_submit():
        archivo = form.archivo.data
        nombre = secure_filename(archivo.filename or "")[:200] or "archivo"
        extension = Path(archivo.filename or "").suffix.lower()
        try:
            resultado = ciclo_importacion.importar(
                form.tipo.data,
                f"{Path(nombre).stem}{extension}",
                archivo.read(),
                usuario_id=current_user.id,
                hoy=date.today(),
                simular=form.simular.data,
            )
        except ciclo_importacion.ErrorImportacion as error:
            db.session.rollback()
            form.archivo.errors.append(error.mensaje)
        else:
            if resultado.aplicado:
                db.session.commit()
            else:
                # A dry run, or a file with errors: the services' trial writes are never kept.
                db.session.rollback()
    return render_template(
        "convenios/ciclo_importar.html",
        form=form,
        resultado=resultado,
        columnas=ciclo_importacion.COLUMNAS,
    )
