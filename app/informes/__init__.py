"""Reports: calculations (pure functions), charts, PDF and Excel, all read-only.

Two blueprints: `informes` (/informes, logged-in users) and `publicaciones` (/publicaciones,
open to anyone: the published reports, as the convenio requires).
"""

from flask import Blueprint

bp = Blueprint("informes", __name__, url_prefix="/informes", template_folder="templates")
publicaciones_bp = Blueprint("publicaciones", __name__, template_folder="templates")

from app.auth import permisos  # noqa: E402
from app.informes import routes, services  # noqa: E402,F401  (registers the views)

# The scope rules below this layer ask here whether a semester's report is published.
permisos.publicacion["publicado"] = services.publicado
