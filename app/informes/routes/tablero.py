"""Views of the figures: the list of semesters, the dashboard and its Excel workbook."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import render_template, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.permisos import alcance_cifras
from app.catalogo.models import Region
from app.comun import listas
from app.comun.hojas import XLSX
from app.comun.roles import permitido
from app.convenios.models import Periodo
from app.convenios.queries import periodos as periodos_queries
from app.convenios.routes.comun import periodo_de_pagina
from app.extensions import db
from app.informes import bp, services
from app.informes import informe as datos_informe
from app.informes.models import EstadoInforme, Informe
from app.informes.routes.comun import alcance, alcance_o_404, periodo_o_404

#: Rows of each entity table per page when the semester has many (datos.escala).
ENTIDADES_POR_PAGINA = 25


@bp.route("/")
@permitido()
def indice():
    """List the semesters with their report's state and links to dashboard and report."""
    f = listas.leer(
        listas.Campo("anio", _l("Año"), [(a, a) for a in periodos_queries.anios_de_periodos()]),
        listas.Campo(
            "estado",
            _l("Informe"),
            [("publicado", _l("Publicado")), ("pendiente", _l("No publicado"))],
        ),
    )
    consulta = periodos_queries.consulta_periodos(anio=f.entero("anio"))
    publicados = sa.select(Informe.periodo_id).where(Informe.estado == EstadoInforme.publicado)
    if f["estado"] == "publicado":
        consulta = consulta.where(Periodo.id.in_(publicados))
    elif f["estado"] == "pendiente":
        consulta = consulta.where(Periodo.id.not_in(publicados))
    pagina = listas.paginar(consulta, f)
    ids = [p.id for p in pagina.items]
    informes = {
        i.periodo_id: i
        for i in db.session.scalars(
            sa.select(Informe).where(Informe.periodo_id.in_(ids)).order_by(Informe.id)
        )
    }
    # The tables' Excel holds figures: offered only for semesters the reader sees some of.
    con_cifras = {
        p.id
        for p in pagina.items
        if not alcance_cifras(
            current_user, publicado=p.id in informes and informes[p.id].publicado
        ).ninguno
    }
    return render_template(
        "informes/indice.html", pagina=pagina, f=f, informes=informes, con_cifras=con_cifras
    )


@bp.route("/tablero")
@permitido()
def tablero():
    """Show the report's tables and charts for a semester (approved Anexo 4 only)."""
    inicial = periodo_de_pagina()
    periodo = inicial.periodo
    if periodo is None:
        return render_template("informes/tablero.html", periodo=None, periodos=[], datos=None)
    suyo = alcance(periodo)
    if suyo.ninguno:
        return render_template(
            "informes/tablero.html",
            periodo=periodo,
            inicial=inicial,
            periodos=periodos_queries.periodos(),
            datos=None,
            no_publicado=True,
        )
    datos, version = datos_informe.calculado(periodo, suyo)
    # Many entities: the entity tables are paged (and searched); their charts give way to the
    # distribution, rankings and roll-ups of `datos.escala`.
    f = listas.leer(
        listas.Campo("q", _l("Buscar"), marcador=_l("Nombre de la entidad")),
        por_pagina=ENTIDADES_POR_PAGINA,
    )
    filas = datos.resultados_regiones
    if datos.escala is not None and f.q:
        filas = tuple(r for r in filas if listas.coincide(f.q, r.region))
    pagina = listas.paginar_lista(filas if datos.escala else (), f)
    mostradas = pagina.items if datos.escala else filas
    nombres = [r.region for r in mostradas]
    if datos.escala:
        nombres += [r.region for r in (*datos.escala.mejores, *datos.escala.peores)]
    codigos = dict(
        db.session.execute(
            sa.select(Region.nombre, Region.codigo).where(Region.nombre.in_(set(nombres)))
        ).all()
    )
    en_pagina = {r.region for r in mostradas}
    return render_template(
        "informes/tablero.html",
        periodo=periodo,
        inicial=inicial,
        periodos=periodos_queries.periodos(),
        datos=datos,
        version=version,
        codigos=codigos,
        filas=mostradas,
        pagina=pagina,
        f=f,
        comparacion=[c for c in datos.comparacion.filas if c.region in en_pagina]
        if datos.comparacion
        else [],
        idgs=[i.numero for i in datos.indicadores],
        valores={(r.region, v.idg): v for r in mostradas for v in r.valores},
        informe=services.informe_de(periodo),
        alcance=suyo,
        grafico_idg=datos.grafico_idg,
    )


@bp.route("/<periodo>/excel")
@permitido()
def excel(periodo: str):
    """Download every table of the report as an Excel file (approved Anexo 4, reader's scope)."""
    from app.informes import excel as excel_informe

    periodo_obj = periodo_o_404(periodo)
    suyo = alcance_o_404(periodo_obj)
    contenido = excel_informe.libro_informe(datos_informe.calculado(periodo_obj, suyo)[0])
    return send_file(
        io.BytesIO(contenido),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"informe_situacional_{periodo_obj.codigo}_cuadros.xlsx",
    )
