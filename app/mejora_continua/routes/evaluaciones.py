"""Views of the Anexo 5: the semester's evaluations, one evaluation, its form and workflow."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.catalogo import queries as catalogo_queries
from app.catalogo.models import Indicador
from app.comun import calculos, listas
from app.comun.acciones import confirmar
from app.comun.auditoria import historial
from app.comun.base import ahora
from app.comun.campos import version_leida
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol, permitido
from app.convenios.models import ETIQUETAS_CELDA
from app.convenios.queries import periodos as periodos_queries
from app.convenios.routes.comun import periodo_de_pagina
from app.extensions import db
from app.mejora_continua import acceso, bp
from app.mejora_continua.forms.evaluaciones import (
    AccionEvaluacionForm,
    EvaluacionForm,
    IniciarEvaluacionForm,
    MotivoEvaluacionForm,
)
from app.mejora_continua.models.evaluaciones import Evaluacion, TipoItem
from app.mejora_continua.queries import evaluaciones as queries
from app.mejora_continua.queries import evaluaciones_contraste as contraste
from app.mejora_continua.services import evaluaciones as services

ETIQUETAS_ESTADO_CELDA = {estado.value: etiqueta for estado, etiqueta in ETIQUETAS_CELDA.items()}


def _anexo4(evaluacion: Evaluacion) -> list[tuple[str, calculos.Celda, bool | None]]:
    """The IdG's approved Anexo 4 rows: region, cell, goal met."""
    return [
        (region, celda, calculos.cumplio(celda))
        for region, celda in contraste.celdas_del_idg(evaluacion).items()
    ]


@bp.route("/anexo5")
@permitido(Rol.odes, Rol.direccion, Rol.revisor)
def evaluaciones():
    """List the semester's IdG with their Anexo 5 state and completeness by unit."""
    inicial = periodo_de_pagina(
        con_pendientes=True, otros_pendientes=queries.periodos_pendientes(current_user)
    )
    periodo = inicial.periodo
    if periodo is None:
        return render_template("mejora_continua/evaluacion_lista.html", periodo=None, periodos=[])
    filas = queries.evaluaciones(periodo)
    evaluaciones_ = [f.evaluacion for f in filas if f.evaluacion]
    estados = [("sin_iniciar", _l("Sin iniciar"))] + [(e.value, e.etiqueta) for e in EstadoReporte]
    siglas = sorted({f.indicador.proponente.sigla for f in filas})
    filtros = listas.leer_con_periodo(
        periodo,
        periodos_queries.periodos(),
        listas.Campo("estado", _l("Estado"), estados),
        listas.Campo("unidad", _l("Proponente"), [(s, s) for s in siglas], _l("Todas")),
        listas.Campo("q", _l("Buscar"), marcador=_l("Nombre del indicador")),
    )
    # About a dozen IdG per semester, all needed for the completeness table: filtered in memory.
    visibles_filas = [
        f
        for f in filas
        if listas.coincide(filtros.q, f.indicador.nombre, f.indicador.etiqueta)
        and (not filtros["unidad"] or f.indicador.proponente.sigla == filtros["unidad"])
        and (
            not filtros["estado"]
            or (f.evaluacion.estado.value if f.evaluacion else "sin_iniciar") == filtros["estado"]
        )
    ]
    return render_template(
        "mejora_continua/evaluacion_lista.html",
        periodo=periodo,
        inicial=inicial,
        f=filtros,
        pagina=listas.paginar_lista(visibles_filas, filtros),
        filas=filas,
        unidades=queries.completitud_por_unidad(periodo, filas),
        visibles={e.id for e in evaluaciones_ if acceso.puede_ver_evaluacion(e, current_user)},
        retrasos={e.id: services.dias_de_retraso(e) for e in evaluaciones_},
        form=IniciarEvaluacionForm(),
    )


@bp.route("/anexo5/iniciar", methods=["POST"])
@permitido(Rol.direccion)
def iniciar_evaluacion():
    """Create the unit's draft Anexo 5 of one IdG and semester and open it for editing."""
    form = IniciarEvaluacionForm()
    if not form.validate_on_submit():
        abort(400)
    periodo = periodos_queries.periodo_o_ultimo(form.periodo.data)
    texto_id = (form.indicador_id.data or "").strip()
    # Digits only and within a 32-bit id (the database driver would refuse a larger one).
    valido = texto_id.isdecimal() and len(texto_id) < 10
    indicador = db.session.get(Indicador, int(texto_id)) if valido else None
    if periodo is None or indicador is None:
        flash(_("Indique el indicador y el semestre del Anexo 5."), "error")
        return redirect(url_for("mejora_continua.evaluaciones"))
    try:
        evaluacion = services.obtener_o_crear_evaluacion(indicador, periodo, current_user)
    except services.ErrorEvaluacion as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return redirect(url_for("mejora_continua.evaluaciones", periodo=periodo.codigo))
    db.session.commit()
    if not acceso.puede_editar_evaluacion(evaluacion, current_user):
        abort(404)
    return redirect(url_for("mejora_continua.editar_evaluacion", evaluacion_id=evaluacion.id))


@bp.route("/anexo5/<int:evaluacion_id>")
@permitido(Rol.odes, Rol.direccion, Rol.revisor)
def ver_evaluacion(evaluacion_id: int):
    """Show one Anexo 5 with its items, warnings against the Anexo 4, actions and history."""
    evaluacion = acceso.evaluacion_o_404(evaluacion_id)
    bloqueo = services.motivo_bloqueo(evaluacion)
    propia = acceso.puede_editar_evaluacion(evaluacion, current_user)
    contraste_visible = acceso.ve_contraste_anexo4(evaluacion, current_user)
    return render_template(
        "mejora_continua/evaluacion_ver.html",
        evaluacion=evaluacion,
        bloqueo=bloqueo,
        propia=propia,
        editable=propia and bloqueo is None,
        contradicciones=contraste.contradicciones(evaluacion) if contraste_visible else [],
        anexo4=_anexo4(evaluacion) if contraste_visible else [],
        etiquetas_celda=ETIQUETAS_ESTADO_CELDA,
        retraso=services.dias_de_retraso(evaluacion),
        eventos=historial("evaluacion", evaluacion.id),
        form=AccionEvaluacionForm(version=evaluacion.version),
        form_motivo=MotivoEvaluacionForm(),
    )


def _entrada(form: EvaluacionForm, tipo: TipoItem):
    """Append an empty item of a type to the form."""
    entrada = form.items.append_entry()
    entrada.tipo.data = tipo.value
    entrada.item_id.data = ""
    return entrada


@bp.route("/anexo5/<int:evaluacion_id>/editar", methods=["GET", "POST"])
@permitido(Rol.direccion)
def editar_evaluacion(evaluacion_id: int):
    """Write the verdict, conclusions and recommendations; add or remove items."""
    evaluacion = acceso.evaluacion_propia_o_404(evaluacion_id)
    bloqueo = services.motivo_bloqueo(evaluacion)
    if bloqueo:
        flash(bloqueo, "error")
        return redirect(url_for("mejora_continua.ver_evaluacion", evaluacion_id=evaluacion.id))
    form = EvaluacionForm()
    errores_items: dict[int, dict[str, str]] = {}
    accion = request.form.get("accion", "guardar")
    if request.method == "GET":
        form.version.data = str(evaluacion.version)
        form.veredicto.data = evaluacion.veredicto
        for item in evaluacion.items:
            form.items.append_entry(
                {
                    "item_id": str(item.id),
                    "tipo": item.tipo.value,
                    "texto": item.texto,
                    "clasificacion": item.clasificacion.value if item.clasificacion else "",
                    "regiones": [r.id for r in item.regiones],
                    "responsable_drtpe": item.responsable_drtpe,
                    "responsables": [u.id for u in item.responsables_mtpe],
                }
            )
    elif accion in ("agregar_conclusion", "agregar_recomendacion"):
        _entrada(form, TipoItem(accion.removeprefix("agregar_")))
    elif form.validate_on_submit():
        indices = [i for i, f in enumerate(form.items) if not f.quitar.data]
        datos = [form.items[i].datos() for i in indices]
        try:
            services.guardar_evaluacion(
                evaluacion,
                form.veredicto.data,
                datos,
                usuario=current_user,
                version=version_leida(form.version.data),
            )
            db.session.commit()
        except services.ErrorEvaluacion as error:
            db.session.rollback()
            if error.errores:
                errores_items = {indices[p]: e for p, e in error.errores.items()}
            elif error.campo == "veredicto":
                form.veredicto.errors = [error.mensaje]
            else:
                flash(error.mensaje, "error")
                return redirect(
                    url_for("mejora_continua.ver_evaluacion", evaluacion_id=evaluacion_id)
                )
            flash(error.mensaje if error.errores else _("Hay errores en el formulario."), "error")
        else:
            flash(_("Anexo 5 guardado como borrador."), "exito")
            for aviso in contraste.contradicciones(evaluacion):
                flash(_("Contradicción con el Anexo 4: %(aviso)s", aviso=aviso), "advertencia")
            return redirect(url_for("mejora_continua.ver_evaluacion", evaluacion_id=evaluacion_id))
    else:
        flash(_("Hay errores en el formulario; no se guardó nada."), "error")
    return render_template(
        "mejora_continua/evaluacion_editar.html",
        evaluacion=evaluacion,
        form=form,
        errores_items=errores_items,
        regiones=catalogo_queries.regiones(),
        evaluadas={r.id for r in queries.regiones_evaluadas(evaluacion.periodo)},
        unidades=queries.unidades_responsables(),
        sugerencias=contraste.borrador_sugerido(evaluacion),
        veredicto_sugerido=contraste.veredicto_sugerido(evaluacion),
        anexo4=_anexo4(evaluacion),
        etiquetas_celda=ETIQUETAS_ESTADO_CELDA,
        form_sugerencias=AccionEvaluacionForm(version=evaluacion.version),
    )


@bp.route("/anexo5/<int:evaluacion_id>/sugerencias", methods=["POST"])
@permitido(Rol.direccion)
def aplicar_sugerencias(evaluacion_id: int):
    """Add the conclusions suggested from the Anexo 4 to the draft."""
    evaluacion = acceso.evaluacion_propia_o_404(evaluacion_id)
    form = AccionEvaluacionForm()
    if not form.validate_on_submit():
        abort(400)
    destino = url_for("mejora_continua.editar_evaluacion", evaluacion_id=evaluacion_id)
    try:
        agregadas, omitidas = services.aplicar_borrador(
            evaluacion, usuario=current_user, version=version_leida(form.version.data)
        )
        db.session.commit()
    except services.ErrorEvaluacion as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return redirect(url_for("mejora_continua.ver_evaluacion", evaluacion_id=evaluacion_id))
    if agregadas:
        flash(
            ngettext(
                "Se agregó %(num)s conclusión sugerida; revísela y edítela.",
                "Se agregaron %(num)s conclusiones sugeridas; revíselas y edítelas.",
                agregadas,
            ),
            "exito",
        )
    else:
        flash(_("No hay conclusiones sugeridas nuevas que agregar."), "info")
    for omitida in omitidas:
        flash(_("No se agregó %(omitida)s", omitida=omitida), "advertencia")
    return redirect(destino)


def _accion(evaluacion_id: int, accion, mensaje: str, **kwargs):
    """Run one workflow step, commit, flash the outcome and go back to the evaluation."""
    evaluacion = acceso.evaluacion_o_404(evaluacion_id)
    con_motivo = "motivo" in kwargs
    form = MotivoEvaluacionForm() if con_motivo else AccionEvaluacionForm()
    if not form.validate_on_submit() and not con_motivo:
        abort(400)
    if con_motivo:
        kwargs["motivo"] = form.motivo.data or ""
    confirmar(
        lambda: accion(evaluacion, usuario=current_user, **kwargs),
        rechazo=services.ErrorEvaluacion,
        exito=mensaje,
    )
    return redirect(url_for("mejora_continua.ver_evaluacion", evaluacion_id=evaluacion_id))


@bp.route("/anexo5/<int:evaluacion_id>/enviar", methods=["POST"])
@permitido(Rol.direccion)
def enviar_evaluacion(evaluacion_id: int):
    """Submit the unit's Anexo 5 to ODES."""
    acceso.evaluacion_propia_o_404(evaluacion_id)
    return _accion(
        evaluacion_id,
        services.enviar,
        _("Anexo 5 enviado a la ODES para su revisión."),
        ahora=ahora(),
    )


@bp.route("/anexo5/<int:evaluacion_id>/observar", methods=["POST"])
@permitido(Rol.odes)
def observar_evaluacion(evaluacion_id: int):
    """Return a submitted Anexo 5 to its unit with a reason."""
    return _accion(
        evaluacion_id,
        services.observar,
        _("Anexo 5 observado; la dirección verá el motivo."),
        motivo="",
    )


@bp.route("/anexo5/<int:evaluacion_id>/aprobar", methods=["POST"])
@permitido(Rol.odes)
def aprobar_evaluacion(evaluacion_id: int):
    """Approve and lock a submitted Anexo 5."""
    return _accion(evaluacion_id, services.aprobar, _("Anexo 5 aprobado."), ahora=ahora())


@bp.route("/anexo5/<int:evaluacion_id>/reabrir", methods=["POST"])
@permitido(Rol.odes)
def reabrir_evaluacion(evaluacion_id: int):
    """Reopen an approved Anexo 5 with a reason."""
    return _accion(evaluacion_id, services.reabrir, _("Anexo 5 reabierto."), motivo="")
