"""What the report's views share: the semester, the region and the reader's scope of a URL."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, request
from flask_login import current_user

from app.auth.permisos import Alcance, alcance_periodo
from app.catalogo.models import Region
from app.convenios.models import Periodo
from app.convenios.queries import periodos as periodos_queries
from app.convenios.routes.comun import periodo_de_pagina
from app.extensions import db


def periodo_o_404(codigo: str) -> Periodo:
    """The semester of a URL code such as "2020-2", or 404."""
    periodo = periodos_queries.periodo_exacto(codigo)
    if periodo is None:
        abort(404)
    return periodo


def periodo_de_consulta() -> Periodo | None:
    """?periodo= (404 if given and unknown), else the newest semester with figures this reader
    may see (None if there is no semester)."""
    codigo = request.args.get("periodo")
    if codigo:
        return periodo_o_404(codigo)
    return periodo_de_pagina().periodo


def region_o_404(codigo: str) -> Region:
    """The region of a URL code such as "loreto", or 404."""
    region = db.session.scalar(sa.select(Region).filter_by(codigo=codigo))
    if region is None:
        abort(404)
    return region


def alcance(periodo: Periodo) -> Alcance:
    """What the current user may see of the semester's figures (docs/security.md)."""
    return alcance_periodo(current_user, periodo.id)


def alcance_o_404(periodo: Periodo, region: Region | None = None) -> Alcance:
    """The reader's scope of the semester; 404 when it holds nothing (or not that region)."""
    suyo = alcance(periodo)
    if suyo.ninguno or (region is not None and not suyo.incluye_region(region.id)):
        abort(404)
    return suyo
