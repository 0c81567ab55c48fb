"""Views of the annual capacity-building programmes: list, page, approval, Excel, calendar,
progress and a region's agenda (activities and runs: programacion_actividades; the matrix:
programacion_matriz)."""

from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.permisos import exigir_region
from app.catalogo import queries as catalogo_queries
from app.catalogo.models import Region
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.base import ahora
from app.comun.hojas import XLSX
from app.comun.roles import Rol, permitido
from app.extensions import db
from app.mejora_continua import acceso, bp
from app.mejora_continua.exportacion import programacion as excel_programa
from app.mejora_continua.forms.comun import mostrar_error
from app.mejora_continua.forms.programacion import (
    AccionProgramaForm,
    MotivoProgramaForm,
    ProgramaCapacidadesForm,
    leer_anio,
)
from app.mejora_continua.models.programacion import MESES_CORTOS, EstadoPrograma, nombre_mes
from app.mejora_continua.queries import programacion as queries
from app.mejora_continua.queries import programacion_avance as queries_avance
from app.mejora_continua.services import programacion as services


@bp.route("/programas")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def programas():
    """List the annual capacity-building programmes (state filter, paged)."""
    return _lista_programas(ProgramaCapacidadesForm())


def _lista_programas(form: ProgramaCapacidadesForm):
    """Render the programme list with its filters and the registration form."""
    filtros = listas.leer(
        listas.Campo("estado", _l("Estado"), [(e.value, e.etiqueta) for e in EstadoPrograma])
    )
    estado = EstadoPrograma(filtros["estado"]) if filtros["estado"] else None
    pagina = listas.paginar(queries.consulta_programas(estado), filtros)
    return render_template(
        "mejora_continua/programa_lista.html",
        pagina=pagina,
        fl=filtros,
        actividades=queries.actividades_por_programa(),
        form=form,
    )


@bp.route("/programas/nuevo", methods=["POST"])
@permitido(Rol.odes)
def nuevo_programa():
    """Open the draft programme of a year."""
    form = ProgramaCapacidadesForm()
    if form.validate_on_submit():
        try:
            programa = services.crear_programa(
                form.anio.data, form.nombre.data, usuario=current_user
            )
        except services.ErrorProgramacion as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("Programación %(anio)s registrada como borrador.", anio=programa.anio), "exito")
            return redirect(url_for("mejora_continua.programa", anio=programa.anio))
    return _lista_programas(form)


def _numeros_idg(anio: int) -> list[int]:
    """The IdG numbers of the cycle the programme's year belongs to (its filter's options)."""
    ciclo = catalogo_queries.ciclo_de_anio(anio)
    return [i.numero for i in ciclo.indicadores] if ciclo else []


@bp.route("/programas/<int:anio>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def programa(anio: int):
    """Show a programme: activities by IdG with their derived ENE…DIC schedule and DETALLE."""
    programa = acceso.programa_o_404(anio)
    unidades = queries.unidades_con_actividades(programa)
    filtros = listas.leer(
        listas.Campo("q", _l("Buscar"), marcador=_l("Nombre de la actividad")),
        listas.Campo(
            "unidad", _l("Unidad responsable"), [(u.id, u.sigla) for u in unidades], _l("Todas")
        ),
        listas.Campo("idg", _l("IdG"), [(n, n) for n in _numeros_idg(programa.anio)]),
    )
    consulta = queries.consulta_actividades(
        programa,
        unidad_id=filtros.entero("unidad"),
        texto=filtros.q,
        indicador_numero=filtros.entero("idg"),
    )
    pagina = listas.paginar(consulta, filtros)
    actividades = pagina.items
    total = len(queries.regiones())
    filas = [
        queries.ActividadMatriz(a, queries.cronograma(a), queries.detalle(a, total_regiones=total))
        for a in actividades
    ]
    return render_template(
        "mejora_continua/programa_ver.html",
        programa=programa,
        filas=filas,
        pagina=pagina,
        fl=filtros,
        meses=MESES_CORTOS,
        puede_crear=current_user.rol in (Rol.odes, Rol.direccion),
        gestiona={a.id for a in actividades if acceso.puede_gestionar_actividad(a, current_user)},
        form=AccionProgramaForm(),
        form_motivo=MotivoProgramaForm(),
        eventos=historial("programa_capacidades", programa.id)
        if current_user.rol is Rol.odes
        else [],
    )


@bp.route("/programas/<int:anio>/aprobar", methods=["POST"])
@permitido(Rol.odes)
def aprobar_programa(anio: int):
    """Approve a draft programme (execution is then recorded on it)."""
    programa = acceso.programa_o_404(anio)
    if not AccionProgramaForm().validate_on_submit():
        abort(400)
    try:
        services.aprobar_programa(programa, usuario=current_user, ahora=ahora())
    except services.ErrorProgramacion as error:
        db.session.rollback()
        flash(error.mensaje, "error")
    else:
        db.session.commit()
        flash(_("Programación %(anio)s aprobada.", anio=anio), "exito")
    return redirect(url_for("mejora_continua.programa", anio=anio))


@bp.route("/programas/<int:anio>/reabrir", methods=["POST"])
@permitido(Rol.odes)
def reabrir_programa(anio: int):
    """Return an approved programme to draft, with a reason."""
    programa = acceso.programa_o_404(anio)
    form = MotivoProgramaForm()
    try:
        services.reabrir_programa(programa, form.motivo.data, usuario=current_user)
    except services.ErrorProgramacion as error:
        db.session.rollback()
        flash(error.mensaje, "error")
    else:
        db.session.commit()
        flash(_("Programación %(anio)s reabierta como borrador.", anio=anio), "exito")
    return redirect(url_for("mejora_continua.programa", anio=anio))


@bp.route("/programas/<int:anio>/excel")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def programa_excel(anio: int):
    """Download the programme as Excel: ENE…DIC grid per activity and per region, execution."""
    programa = acceso.programa_o_404(anio)
    total = len(queries.regiones())
    filas = [
        queries.ActividadMatriz(a, queries.cronograma(a), queries.detalle(a, total_regiones=total))
        for a in queries.actividades(programa)
    ]
    region_id = acceso.region_del_usuario(current_user)
    contenido = excel_programa.libro_programa(
        programa,
        filas,
        queries_avance.programaciones(programa, region_id=region_id),
        hoy=date.today(),
        ambito=current_user.region.nombre if region_id else "",
    )
    sufijo = f"_{current_user.region.codigo}" if region_id else ""
    return send_file(
        io.BytesIO(contenido),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"programacion_capacidades_{anio}{sufijo}.xlsx",
    )


@bp.route("/programas/<int:anio>/calendario")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def calendario(anio: int):
    """The region × month grid of a programme (a region sees its own row)."""
    programa = acceso.programa_o_404(anio)
    return render_template(
        "mejora_continua/programa_calendario.html",
        programa=programa,
        calendario=queries_avance.calendario(
            programa, region_id=acceso.region_del_usuario(current_user)
        ),
        meses=MESES_CORTOS,
    )


@bp.route("/programas/<int:anio>/avance")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def avance(anio: int):
    """Planned vs executed runs per activity, unit and region (a region sees its own)."""
    programa = acceso.programa_o_404(anio)
    return render_template(
        "mejora_continua/programa_avance.html",
        programa=programa,
        resumen=queries_avance.avance(
            programa, region_id=acceso.region_del_usuario(current_user), hoy=date.today()
        ),
    )


@bp.route("/agenda/<codigo>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def agenda(codigo: str):
    """A region's agenda: its runs month by month (a region sees only its own)."""
    region = db.first_or_404(db.select(Region).filter_by(codigo=codigo))
    exigir_region(region.id)
    anio = request.args.get("anio", type=leer_anio)
    programas = queries.programas()
    programa = acceso.programa_o_404(anio) if anio else (programas[0] if programas else None)
    return render_template(
        "mejora_continua/programa_agenda.html",
        region=region,
        programa=programa,
        programas=programas,
        agenda=queries_avance.agenda(programa, region) if programa else {},
        nombre_mes=nombre_mes,
    )
