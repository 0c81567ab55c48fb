"""The trend page's line chart as PNG (the page is convenios' /anexo4/tendencias; the chart
engine lives in this layer, so its image is served from here).

The chart is built from the very trend the page shows (same filters, same reader's scope) and
cached on disk under the hash of what it draws: a reader is only ever served a chart made of
figures they may see, and the same chart is drawn once.
"""

from __future__ import annotations

from app.comun.roles import permitido
from app.convenios.routes.tendencias import tendencia_pedida
from app.informes import bp
from app.informes.graficos import tendencias as grafico
from app.informes.routes.graficos import _enviar_png


@bp.route("/tendencias.png")
@permitido()
def grafico_tendencia():
    """PNG: the trend's lines over the semesters (?region=, ?idg= as the page); with nothing
    to draw, the axes and a line saying so (the page shows no image then)."""
    _f, tendencia, _catalogo = tendencia_pedida()
    definicion = grafico.definir(tendencia)
    return _enviar_png(definicion.huella, "tendencia.png", lambda: grafico.png(definicion))
