"""Views of the notifications: each user's list and e-mail preferences, ODES's outbox."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.comun import listas
from app.comun.roles import Rol, permitido
from app.extensions import db
from app.notificaciones import bp, queries
from app.notificaciones.forms import (
    AccionForm,
    LeerForm,
    campo_correo,
    preferencias_form,
)
from app.notificaciones.models import (
    EnvioCorreo,
    EstadoEnvio,
    TipoNotificacion,
    tipos_de,
)
from app.notificaciones.services import bandeja


def _tipos_filtro(tipos: list[TipoNotificacion]) -> listas.Campo:
    """The kind filter of a list."""
    return listas.Campo("tipo", _l("Tipo"), [(t.value, t.etiqueta) for t in tipos])


@bp.route("")
@permitido()
def lista():
    """The user's notifications, newest first, with the unread ones marked."""
    f = listas.leer(
        listas.Campo(
            "estado",
            _l("Estado"),
            [("no_leidas", _l("No leídas")), ("leidas", _l("Leídas"))],
            _l("Todas"),
        ),
        _tipos_filtro(list(TipoNotificacion)),
    )
    consulta = queries.consulta_de(current_user.id, estado=f["estado"], tipo=f["tipo"])
    return render_template(
        "notificaciones/lista.html",
        f=f,
        pagina=listas.paginar(consulta, f),
        sin_leer=queries.sin_leer(current_user.id),
        form=AccionForm(),
    )


def _destino(url: str) -> str:
    """A stored link as a path of this site (never another host)."""
    if not url.startswith("/") or url.startswith("//"):
        return url_for("notificaciones.lista")
    return request.script_root + url


@bp.route("/leer", methods=["POST"])
@permitido()
def leer():
    """Mark one of the user's notifications read; with `ir`, go to its page."""
    form = LeerForm()
    if not form.validate_on_submit():
        abort(400)
    elegido = form.id_elegido()
    notificacion = queries.notificacion_de(current_user.id, elegido) if elegido else None
    if notificacion is None:
        flash(_("La notificación no existe o no es suya."), "error")
        return redirect(url_for("notificaciones.lista"))
    bandeja.marcar_leida(notificacion)
    db.session.commit()
    if request.form.get("ir"):
        return redirect(_destino(notificacion.url))
    flash(_("Notificación marcada como leída."), "exito")
    return redirect(url_for("notificaciones.lista"))


@bp.route("/leer-todas", methods=["POST"])
@permitido()
def leer_todas():
    """Mark every notification of the user read."""
    if not AccionForm().validate_on_submit():
        abort(400)
    cuantas = bandeja.marcar_todas(current_user)
    db.session.commit()
    if cuantas:
        flash(_("Se marcaron %(n)s notificaciones como leídas.", n=cuantas), "exito")
    else:
        flash(_("No tenía notificaciones sin leer."), "info")
    return redirect(url_for("notificaciones.lista"))


@bp.route("/preferencias", methods=["GET", "POST"])
@permitido()
def preferencias():
    """Choose, per kind of notification, whether it also arrives by e-mail."""
    tipos = tipos_de(current_user.rol)
    actuales = queries.preferencias(current_user.id)
    datos = {campo_correo(t): actuales[t] for t in tipos}
    form = preferencias_form(tipos, data=None if request.method == "POST" else datos)
    if form.validate_on_submit():
        elegidas = {t: bool(form[campo_correo(t)].data) for t in tipos}
        if bandeja.guardar_preferencias(current_user, elegidas):
            db.session.commit()
            flash(_("Preferencias de correo guardadas."), "exito")
        else:
            flash(_("No cambió ninguna preferencia."), "info")
        return redirect(url_for("notificaciones.preferencias"))
    return render_template(
        "notificaciones/preferencias.html",
        form=form,
        campos=[form[campo_correo(t)] for t in tipos],
    )


@bp.route("/envios")
@permitido(Rol.odes)
def envios():
    """The outbox: every e-mail with its state, attempts and last error."""
    f = listas.leer(
        listas.Campo("q", _l("Buscar"), marcador=_l("Correo o asunto")),
        listas.Campo("estado", _l("Estado"), [(e.value, e.etiqueta) for e in EstadoEnvio]),
        _tipos_filtro(list(TipoNotificacion)),
    )
    consulta = queries.consulta_envios(estado=f["estado"], tipo=f["tipo"], texto=f.q)
    return render_template(
        "notificaciones/envios.html",
        f=f,
        pagina=listas.paginar(consulta, f),
        cuentas=queries.cuentas_envios(),
        form=AccionForm(),
    )


@bp.route("/envios/<int:envio_id>/reintentar", methods=["POST"])
@permitido(Rol.odes)
def reintentar(envio_id: int):
    """Send a failed e-mail again (in the background, once this request commits)."""
    envio = db.get_or_404(EnvioCorreo, envio_id)
    if not AccionForm().validate_on_submit():
        abort(400)
    if bandeja.reintentar(envio, usuario_id=current_user.id):
        db.session.commit()
        flash(
            _("El correo a %(destinatario)s se volverá a enviar.", destinatario=envio.destinatario),
            "exito",
        )
    else:
        flash(_("Solo se reintenta un correo fallido."), "error")
    return redirect(url_for("notificaciones.envios"))
