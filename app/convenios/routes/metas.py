"""Views of the goals committed before the semester: a cycle's year with every convenio's
programming, and a convenio's goal grid with its review steps (the reprogramming of approved
goals: routes/metas_reprogramacion.py).

The rules are services.metas'; these views only read forms, call it, commit and say what
happened.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.catalogo import queries as catalogo_queries
from app.catalogo.models import ConjuntoIndicadores
from app.comun import listas
from app.comun.acciones import confirmar
from app.comun.auditoria import historial
from app.comun.base import ahora
from app.comun.campos import version_leida
from app.comun.flujo import EstadoReporte
from app.comun.opciones import opciones
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.acceso import convenio_o_404
from app.convenios.forms import (
    AbrirProgramacionForm,
    AccionForm,
    ObservarMetasForm,
    ProgramacionMetasForm,
)
from app.convenios.models import Convenio, EstadoCelda, Meta, ProgramacionMetas
from app.convenios.queries import metas as queries
from app.convenios.routes.comun import avisar, errores_formulario
from app.convenios.services import metas as services
from app.extensions import db

LECTORES = (Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)


def entero(texto) -> int | None:
    """An id or a year sent in a form or the query string, or None when it is not one."""
    texto = str(texto or "").strip()
    # isdecimal, not isdigit ("²" is a digit int() refuses); no id needs more than 31 bits.
    if not texto.isdecimal() or int(texto) > 2**31 - 1:
        return None
    return int(texto)


def _anio_por_defecto(ciclo: ConjuntoIndicadores) -> int:
    """The current year when the cycle covers it, else the cycle's nearest year."""
    return min(max(date.today().year, ciclo.anio_inicio), ciclo.anio_fin)


def _ordenadas(metas: dict[tuple[int, int], Meta]) -> list[Meta]:
    """The goals in grid order: by IdG number, then annual, I and II semester."""
    return sorted(metas.values(), key=lambda m: (m.indicador.numero, m.semestre))


def convenio_del_anio_o_404(convenio_id: int, anio: int) -> Convenio:
    """The convenio the user may see (acceso.convenio_o_404), or 404; a year outside its
    cycle is a 404 too."""
    convenio = convenio_o_404(convenio_id)
    if not convenio.anio_inicio <= anio <= convenio.anio_fin:
        abort(404)
    return convenio


def url_grilla(convenio_id: int, anio: int) -> str:
    """The URL of a convenio's goal grid of one year."""
    return url_for("convenios.programacion", convenio_id=convenio_id, anio=anio)


def _no_abierta(anio: int):
    """Say the year's programming is not open yet (for a step posted on it)."""
    flash(_("La ODES aún no abrió la programación %(anio)s de este convenio.", anio=anio), "error")


# --- A cycle's year --------------------------------------------------------------------------


@bp.route("/programacion")
@permitido(*LECTORES)
def programaciones():
    """A cycle's year with every convenio's goals and their state; a region goes to its own."""
    if current_user.rol is Rol.drtpe:
        propia = queries.ultima_de_region(current_user.region_id)
        if propia is not None:
            return redirect(url_grilla(propia.convenio_id, propia.anio))
        return render_template("convenios/programaciones.html", ciclo=None, region_sin=True)
    ciclos = catalogo_queries.conjuntos()
    if not ciclos:
        return render_template("convenios/programaciones.html", ciclo=None, region_sin=False)
    ciclo = {c.id: c for c in ciclos}.get(entero(request.args.get("ciclo"))) or ciclos[0]
    f = listas.leer(
        listas.Campo(
            "ciclo", _l("Ciclo"), [(c.id, f"{c.ciclo} · {c.nombre}") for c in ciclos], fijo=True
        ),
        listas.Campo(
            "anio",
            _l("Año"),
            [(a, a) for a in range(ciclo.anio_inicio, ciclo.anio_fin + 1)],
            fijo=True,
        ),
    )
    anio = f.entero("anio") or _anio_por_defecto(ciclo)
    f.fijar("ciclo", ciclo.id)
    f.fijar("anio", anio)
    filas = queries.convenios_del_ciclo(ciclo.id, anio)
    return render_template(
        "convenios/programaciones.html",
        ciclo=ciclo,
        anio=anio,
        f=f,
        filas=filas,
        sin_abrir=sum(1 for c, p in filas if p is None and c.esta_suscrito),
        form=AbrirProgramacionForm(),
    )


@bp.route("/programacion/abrir", methods=["POST"])
@permitido(Rol.odes)
def abrir_programacion():
    """Open a cycle's year: a draft of goals for each signed convenio still without one."""
    form = AbrirProgramacionForm()
    ciclo_id, anio = entero(form.ciclo.data), entero(form.anio.data)
    ciclo = queries.ciclo(ciclo_id) if ciclo_id else None
    if not form.validate_on_submit() or ciclo is None or anio is None:
        flash(_("Elija el ciclo y el año cuya programación quiere abrir."), "error")
        return redirect(url_for("convenios.programaciones"))
    volver = redirect(url_for("convenios.programaciones", ciclo=ciclo.id, anio=anio))
    try:
        creadas = services.abrir_programacion(ciclo, anio, usuario_id=current_user.id)
    except services.ErrorMetas as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return volver
    db.session.commit()
    if creadas:
        flash(
            ngettext(
                "Programación %(anio)s abierta para %(num)s convenio.",
                "Programación %(anio)s abierta para %(num)s convenios.",
                len(creadas),
                anio=anio,
            ),
            "exito",
        )
    else:
        flash(
            _(
                "Todos los convenios suscritos del ciclo ya tenían su programación %(anio)s.",
                anio=anio,
            ),
            "info",
        )
    return volver


# --- A convenio's goals of one year ----------------------------------------------------------


@bp.route("/<int:convenio_id>/programacion/<int:anio>", methods=["GET", "POST"])
@permitido(*LECTORES)
def programacion(convenio_id: int, anio: int):
    """The year's goals of a convenio: edited by its region (or ODES) while a draft or
    observed, read by everyone else; with the review steps each role may take."""
    convenio = convenio_del_anio_o_404(convenio_id, anio)
    prog = queries.programacion(convenio.id, anio)
    if prog is None:
        if request.method == "POST":
            _no_abierta(anio)
            return redirect(url_grilla(convenio.id, anio))
        return render_template(
            "convenios/programacion.html", convenio=convenio, anio=anio, programacion=None
        )
    metas = queries.metas(convenio.id, anio)
    form = ProgramacionMetasForm()
    if request.method == "POST":
        guardada = _guardar(prog, metas, form)
        if guardada:
            flash(_("Metas %(anio)s guardadas.", anio=anio), "exito")
            return redirect(url_grilla(convenio.id, anio))
    elif services.puede_editar(prog, current_user):
        form.version.data = str(prog.version)
        for meta in _ordenadas(metas):
            form.metas.append_entry(
                {"meta_id": meta.id, "estado": meta.estado.value, "programado": meta.valor}
            )
    return _grilla(convenio, prog, metas, form)


def _guardar(prog: ProgramacionMetas, metas: dict, form: ProgramacionMetasForm) -> bool:
    """Save the posted grid through the service; False (with the messages) when refused."""
    if not form.validate_on_submit():
        flash(
            _("Hay errores en el formulario; no se guardó nada. Corríjalos y vuelva a guardar."),
            "error",
        )
        return False
    por_id = {m.id: m for m in metas.values()}
    datos = {}
    for entrada in form.metas:
        meta = por_id.get(entero(entrada.meta_id.data))
        if meta is None:
            flash(
                _("Una de las metas no pertenece a esta programación; recargue la página."),
                "error",
            )
            return False
        datos[(meta.indicador_id, meta.semestre)] = {
            "estado": EstadoCelda(entrada.estado.data),
            "valor": entrada.programado.data,
        }
    try:
        services.guardar_metas(
            prog, datos, usuario=current_user, version=version_leida(form.version.data)
        )
    except services.ErrorMetas as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return False
    db.session.commit()
    return True


def _grilla(convenio: Convenio, prog: ProgramacionMetas, metas: dict, form):
    """Render the grid: editable cells (the posted ones when sent back) or the goals as read."""
    editable = services.puede_editar(prog, current_user)
    celdas = {}
    if editable:
        por_id = {m.id: m for m in metas.values()}
        for entrada in form.metas:
            meta = por_id.get(entero(entrada.meta_id.data))
            if meta is not None:
                celdas[(meta.indicador_id, meta.semestre)] = entrada
        # A goal missing from what was posted comes back with its saved value.
        for meta in _ordenadas(metas):
            if (meta.indicador_id, meta.semestre) not in celdas:
                form.metas.append_entry(
                    {"meta_id": meta.id, "estado": meta.estado.value, "programado": meta.valor}
                )
                celdas[(meta.indicador_id, meta.semestre)] = form.metas[-1]
    indicadores = sorted(
        {m.indicador_id: m.indicador for m in metas.values()}.values(), key=lambda i: i.numero
    )
    observar = None
    if prog.estado is EstadoReporte.enviado and services.puede_observar(prog, current_user):
        observar = ObservarMetasForm()
        propios = [
            i
            for i in indicadores
            if current_user.rol is Rol.odes or i.proponente_id == current_user.unidad_id
        ]
        primera = [] if current_user.rol is Rol.direccion else [("", _("— Toda la programación —"))]
        observar.indicador_id.choices = opciones(
            primera + [(i.id, f"{i.etiqueta} · {i.nombre}") for i in propios]
        )
    reprograma = prog.aprobada and current_user.rol in (Rol.odes, Rol.drtpe)
    solicitudes = [
        r for r in queries.reprogramaciones(convenio_id=convenio.id) if r.meta.anio == prog.anio
    ]
    return render_template(
        "convenios/programacion.html",
        convenio=convenio,
        anio=prog.anio,
        programacion=prog,
        indicadores=indicadores,
        metas=metas,
        celdas=celdas,
        form=form,
        editable=editable,
        faltas=services.faltas(prog) if editable else [],
        form_accion=AccionForm(),
        form_observar=observar,
        reprograma=reprograma,
        pendientes=queries.con_solicitud_pendiente(m.id for m in metas.values())
        if prog.aprobada
        else set(),
        solicitudes=solicitudes,
        nombres=queries.nombres_usuarios(r.solicitada_por_id for r in solicitudes),
        eventos=historial("programacion_metas", prog.id),
    )


def _paso(convenio: Convenio, anio: int, paso, exito: str, form):
    """Run a review step on the year's programming and go back to its grid."""
    volver = redirect(url_grilla(convenio.id, anio))
    prog = queries.programacion(convenio.id, anio)
    if prog is None:
        _no_abierta(anio)
        return volver
    if not form.validate_on_submit():
        avisar(
            errores_formulario(form) or [_("No se pudo completar; recargue la página.")], "error"
        )
        return volver
    confirmar(lambda: paso(prog), rechazo=services.ErrorMetas, exito=exito)
    return volver


@bp.route("/<int:convenio_id>/programacion/<int:anio>/enviar", methods=["POST"])
@permitido(Rol.odes, Rol.drtpe)
def enviar_programacion(convenio_id: int, anio: int):
    """Send the complete goals to review (ODES and the proponent directorates)."""
    return _paso(
        convenio_del_anio_o_404(convenio_id, anio),
        anio,
        lambda prog: services.enviar_programacion(prog, usuario=current_user, ahora=ahora()),
        _("Metas %(anio)s enviadas a revisión.", anio=anio),
        AccionForm(),
    )


@bp.route("/<int:convenio_id>/programacion/<int:anio>/observar", methods=["POST"])
@permitido(Rol.odes, Rol.direccion)
def observar_programacion(convenio_id: int, anio: int):
    """Return the sent goals to the region with a reason (a directorate names its IdG)."""
    form = ObservarMetasForm()
    return _paso(
        convenio_del_anio_o_404(convenio_id, anio),
        anio,
        lambda prog: services.observar_programacion(
            prog,
            usuario=current_user,
            motivo=form.motivo.data or "",
            indicador_id=form.indicador_id.data,
        ),
        _("Metas %(anio)s observadas; la región verá el motivo.", anio=anio),
        form,
    )


@bp.route("/<int:convenio_id>/programacion/<int:anio>/aprobar", methods=["POST"])
@permitido(Rol.odes)
def aprobar_programacion(convenio_id: int, anio: int):
    """Approve and lock the sent goals."""
    return _paso(
        convenio_del_anio_o_404(convenio_id, anio),
        anio,
        lambda prog: services.aprobar_programacion(prog, usuario=current_user, ahora=ahora()),
        _("Metas %(anio)s aprobadas: quedan bloqueadas.", anio=anio),
        AccionForm(),
    )
