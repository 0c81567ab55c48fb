"""The PDF of an AMC plan, regenerated from its data (readers of the plan: its page's rule)."""

from __future__ import annotations

import io

from flask import send_file

from app.comun.roles import Rol, permitido
from app.informes import bp
from app.informes.informe.plan import datos_plan
from app.informes.routes.descargas import PDF
from app.mejora_continua import acceso


@bp.route("/planes/<int:plan_id>.pdf")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def plan_pdf(plan_id: int):
    """Download an AMC plan as a PDF document: cover, contents, outline and tables."""
    from app.informes import pdf

    plan = acceso.plan_o_404(plan_id)
    contenido = pdf.plan_pdf(datos_plan(plan))
    codigo = plan.region.codigo if plan.region else "nacional"
    return send_file(
        io.BytesIO(contenido),
        mimetype=PDF,
        as_attachment=True,
        download_name=f"plan_mejora_{codigo}_{plan.id}.pdf",
    )
