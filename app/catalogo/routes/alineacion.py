"""Views of what an IdG is aligned to: the art. 48 LOGR functions (and the regions that
received each), the strategic objectives and public services, and ODES's correction of their
official texts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.validators import Length

from app.catalogo import bp, queries, services
from app.catalogo.forms import TextoCatalogoForm
from app.catalogo.models import FuncionLOGR, ObjetivoEstrategico, ServicioPublico
from app.catalogo.routes.comun import mostrar_error
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.roles import Rol, permitido
from app.extensions import db


@bp.route("/funciones")
@permitido()
def funciones():
    """Show the art. 48 LOGR functions and which regions received each one."""
    funciones = queries.funciones()
    f = listas.leer(
        listas.Campo("q", _l("Gobierno regional"), marcador=_l("Nombre de la región")),
        listas.Campo(
            "funcion", _l("Con la función"), [(x.id, f"{x.letra})") for x in funciones], _l("Todas")
        ),
        por_pagina=30,
    )
    regiones = [
        r
        for r in queries.regiones_con_detalle()
        if r.es_gobierno_regional
        and listas.coincide(f.q, r.nombre)
        and (
            not f.entero("funcion")
            or any(t.funcion_id == f.entero("funcion") for t in r.funciones_transferidas)
        )
    ]
    pagina = listas.paginar_lista(regiones, f)
    return render_template(
        "catalogo/funciones.html",
        funciones=funciones,
        pagina=pagina,
        f=f,
        transferidas={r.id: {t.funcion_id for t in r.funciones_transferidas} for r in regiones},
    )


@bp.route("/objetivos-y-servicios")
@permitido()
def objetivos_servicios():
    """List the sectoral strategic objectives and the public services."""
    return render_template(
        "catalogo/objetivos_servicios.html",
        objetivos=queries.objetivos(),
        servicios=queries.servicios(),
    )


#: Catalogue entries whose official text ODES may correct: kind → (model, text field, label).
TEXTOS_EDITABLES = {
    "funcion": (FuncionLOGR, "texto", _l("Función del art. 48 LOGR")),
    "objetivo": (ObjetivoEstrategico, "texto", _l("Objetivo estratégico sectorial")),
    "servicio": (ServicioPublico, "nombre", _l("Servicio público")),
}


@bp.route("/textos/<tipo>/<int:objeto_id>", methods=["GET", "POST"])
@permitido(Rol.odes)
def editar_texto(tipo: str, objeto_id: int):
    """Correct the official text of a function, strategic objective or public service."""
    if tipo not in TEXTOS_EDITABLES:
        abort(404)
    modelo, campo, etiqueta = TEXTOS_EDITABLES[tipo]
    objeto = db.get_or_404(modelo, objeto_id)
    form = TextoCatalogoForm()
    if request.method == "GET":
        form.texto.data = getattr(objeto, campo)
    # A service's name is a String(200) column: refuse longer text before the database does.
    largo = getattr(modelo, campo).type.length
    extra = {}
    if largo:
        extra["texto"] = [Length(max=largo, message=_("Máximo %(n)s caracteres.", n=largo))]
    if form.validate_on_submit(extra_validators=extra):
        try:
            services.editar_texto(
                objeto,
                campo,
                form.texto.data,
                tipo=modelo.__tablename__,
                usuario_id=current_user.id,
            )
        except services.ErrorCatalogo as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("%(etiqueta)s actualizado.", etiqueta=etiqueta), "exito")
            return redirect(
                url_for(
                    "catalogo.funciones" if tipo == "funcion" else "catalogo.objetivos_servicios"
                )
            )
    return render_template(
        "catalogo/texto_form.html",
        form=form,
        etiqueta=etiqueta,
        cerrado=services.motivo_texto_cerrado(objeto, modelo.__tablename__),
        eventos=historial(modelo.__tablename__, objeto.id),
    )
