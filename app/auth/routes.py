"""Login, logout, user management and personal access token views."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from app.auth import bp, queries, services
from app.auth.forms import LoginForm, RevocarTokenForm, TokenForm, UsuarioForm
from app.auth.models import Usuario
from app.catalogo import queries as catalogo_queries
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.opciones import opciones
from app.comun.roles import Rol, permitido, publico
from app.extensions import db, limiter


def _demasiados_intentos(_limite):
    """The login page again, with a message, when an address exceeds LIMITE_LOGIN (429)."""
    flash(
        _(
            "Demasiados intentos de inicio de sesión desde su conexión. Por seguridad, espere "
            "unos minutos y vuelva a intentarlo."
        ),
        "error",
    )
    return current_app.make_response((render_template("auth/login.html", form=LoginForm()), 429))


@bp.route("/login", methods=["GET", "POST"])
@publico
@limiter.limit(
    lambda: current_app.config["LIMITE_LOGIN"],
    methods=["POST"],
    # Only failed attempts count (a successful login redirects): an office behind one address
    # can log in all at once, a guesser from one address can't try many accounts.
    deduct_when=lambda respuesta: respuesta.status_code != 302,
    on_breach=_demasiados_intentos,
)
def login():
    """Log a user in and send them where they were going."""
    if current_user.is_authenticated:
        return redirect(url_for("main.tablero"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            usuario = services.autenticar(
                form.email.data, form.clave.data, origen=request.remote_addr or ""
            )
        except services.CuentaBloqueada as bloqueo:
            db.session.commit()  # keep the audit record of the refused attempt
            flash(bloqueo.mensaje, "error")
            return render_template("auth/login.html", form=form), 429
        db.session.commit()
        if usuario is None:
            flash(_("Correo o contraseña incorrectos."), "error")
        else:
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME of inactivity
            login_user(usuario)
            destino = request.args.get("next", "")
            # Only same-site relative paths, so the login page can't be used as an open redirect.
            if not destino.startswith("/") or destino.startswith("//") or urlsplit(destino).netloc:
                destino = url_for("main.tablero")
            flash(_("Bienvenido/a, %(nombre)s.", nombre=usuario.nombre), "exito")
            return redirect(destino)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@permitido()
def logout():
    """Log the current user out, ending the account's sessions on every device."""
    services.salir(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("Sesión cerrada."), "info")
    return redirect(url_for("auth.login"))


def _preparar(form: UsuarioForm) -> None:
    form.region_id.choices = opciones(
        [(0, "—")] + [(r.id, r.nombre) for r in catalogo_queries.regiones()]
    )
    form.unidad_id.choices = opciones(
        [(0, "—")] + [(u.id, f"{u.sigla} — {u.nombre}") for u in catalogo_queries.unidades()]
    )


@bp.route("/usuarios")
@permitido(Rol.odes)
def usuarios():
    """List user accounts with search, role and state filters (paged)."""
    f = listas.leer(
        listas.Campo("q", _l("Buscar"), marcador=_l("Nombre o correo")),
        listas.Campo("rol", _l("Rol"), [(r.value, r.etiqueta) for r in Rol]),
        listas.Campo(
            "estado", _l("Estado"), [("activa", _l("Activa")), ("inactiva", _l("Inactiva"))]
        ),
    )
    consulta = sa.select(Usuario).order_by(Usuario.rol, Usuario.nombre)
    if f.q:
        consulta = consulta.where(
            sa.or_(
                Usuario.nombre.ilike(listas.patron(f.q)), Usuario.email.ilike(listas.patron(f.q))
            )
        )
    if f["rol"]:
        consulta = consulta.where(Usuario.rol == Rol(f["rol"]))
    if f["estado"]:
        consulta = consulta.where(Usuario.activo.is_(f["estado"] == "activa"))
    pagina = listas.paginar(consulta, f)
    return render_template("auth/usuarios.html", pagina=pagina, f=f)


@bp.route("/usuarios/nuevo", methods=["GET", "POST"])
@permitido(Rol.odes)
def nuevo_usuario():
    """Create a user account."""
    form = UsuarioForm()
    _preparar(form)
    if form.validate_on_submit():
        try:
            usuario = services.crear_usuario(
                form.datos(), form.clave.data or "", usuario_id=current_user.id
            )
        except services.ErrorUsuario as error:
            db.session.rollback()
            getattr(form, error.campo).errors.append(error.mensaje)
        else:
            db.session.commit()
            flash(_("Cuenta de %(nombre)s creada.", nombre=usuario.nombre), "exito")
            return redirect(url_for("auth.usuarios"))
    return render_template("auth/usuario_form.html", form=form, usuario=None)


@bp.route("/usuarios/<int:usuario_id>", methods=["GET", "POST"])
@permitido(Rol.odes)
def editar_usuario(usuario_id: int):
    """Edit a user account and show its history."""
    usuario = db.get_or_404(Usuario, usuario_id)
    form = UsuarioForm(obj=usuario)
    _preparar(form)
    if request.method == "GET":
        form.rol.data = usuario.rol.value
        form.region_id.data = usuario.region_id or 0
        form.unidad_id.data = usuario.unidad_id or 0
    if form.validate_on_submit():
        try:
            services.editar_usuario(
                usuario, form.datos(), form.clave.data or None, usuario_id=current_user.id
            )
        except services.ErrorUsuario as error:
            db.session.rollback()
            getattr(form, error.campo).errors.append(error.mensaje)
        else:
            db.session.commit()
            if usuario.id == current_user.id and usuario.activo:
                # ODES changed their own password: this session goes on with the new generation
                # (the others, e.g. a copied cookie, are ended).
                login_user(usuario)
            flash(_("Cuenta actualizada."), "exito")
            return redirect(url_for("auth.usuarios"))
    return render_template(
        "auth/usuario_form.html",
        form=form,
        usuario=usuario,
        eventos=historial("usuario", usuario.id),
    )


@bp.route("/usuarios/<int:usuario_id>/cerrar-sesiones", methods=["POST"])
@permitido(Rol.odes)
def cerrar_sesiones(usuario_id: int):
    """End every session of an account, on every device (a lost or shared computer)."""
    usuario = db.get_or_404(Usuario, usuario_id)
    services.cerrar_sesiones(usuario, usuario_id=current_user.id)
    db.session.commit()
    flash(_("Se cerraron todas las sesiones de %(nombre)s.", nombre=usuario.nombre), "exito")
    return redirect(url_for("auth.editar_usuario", usuario_id=usuario.id))


# --- Personal access tokens (the REST API) ---------------------------------------------------


def _pagina_tokens(usuario: Usuario, *, propio: bool):
    """The token page of `usuario`: the list, the creation form and, right after creating,
    the token text, rendered (never redirected: the text must not travel in a URL or in the
    session cookie's flashed messages) and shown this once only."""
    form = TokenForm()
    nuevo = None
    if form.validate_on_submit():
        try:
            _token, nuevo = services.crear_token(
                usuario,
                nombre=form.nombre.data,
                # For another account the page offers read-only tokens only (no box to untick).
                solo_lectura=bool(form.solo_lectura.data) or not propio,
                dias=form.dias.data,
                creado_por=current_user._get_current_object(),
            )
        except services.ErrorToken as error:
            db.session.rollback()
            if error.campo:
                getattr(form, error.campo).errors.append(error.mensaje)
            else:
                flash(error.mensaje, "error")
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    respuesta = make_response(
        render_template(
            "auth/tokens.html",
            usuario=usuario,
            propio=propio,
            tokens=queries.tokens_de(usuario.id),
            form=form,
            revocar_form=RevocarTokenForm(formdata=None),
            nuevo=nuevo,
        )
    )
    if nuevo:
        respuesta.headers["Cache-Control"] = "no-store"
    return respuesta


def _revocar(usuario: Usuario, volver: str):
    """Revoke the token named in the form if it belongs to `usuario` (another's: 404)."""
    elegido = RevocarTokenForm().id_elegido()
    if elegido is None:
        flash(_("El token indicado no existe."), "error")
        return redirect(volver)
    token = queries.token_de(usuario.id, elegido)
    if token is None:
        abort(404)
    try:
        services.revocar_token(token, por=current_user._get_current_object())
    except services.ErrorToken as error:
        db.session.rollback()
        flash(error.mensaje, "error")
    else:
        db.session.commit()
        flash(
            _("Token «%(nombre)s» revocado: ya no da acceso a la API.", nombre=token.nombre),
            "exito",
        )
    return redirect(volver)


@bp.route("/cuenta/tokens", methods=["GET", "POST"])
@permitido()
def tokens():
    """The user's own API access tokens: list them, create one (shown once), revoke."""
    return _pagina_tokens(current_user._get_current_object(), propio=True)


@bp.route("/cuenta/tokens/revocar", methods=["POST"])
@permitido()
def revocar_token():
    """Revoke one of the user's own API access tokens."""
    return _revocar(current_user._get_current_object(), url_for("auth.tokens"))


@bp.route("/usuarios/<int:usuario_id>/tokens", methods=["GET", "POST"])
@permitido(Rol.odes)
def tokens_usuario(usuario_id: int):
    """A user's API access tokens for integrations: list, create for them (shown once), revoke."""
    return _pagina_tokens(db.get_or_404(Usuario, usuario_id), propio=False)


@bp.route("/usuarios/<int:usuario_id>/tokens/revocar", methods=["POST"])
@permitido(Rol.odes)
def revocar_token_usuario(usuario_id: int):
    """Revoke one of a user's API access tokens."""
    usuario = db.get_or_404(Usuario, usuario_id)
    return _revocar(usuario, url_for("auth.tokens_usuario", usuario_id=usuario.id))
