"""The situational report of each semester: its data, narrative, charts, PDF, Excel, publication.

`informe` reads the database and computes the report's figures (with `app.comun.calculos`) as
plain frozen data; `graficos`, `pdf` and `excel` only format that data. `services` writes: the
narrative, the generated PDF files and their build jobs, and publication.

Two blueprints: `informes` (/informes, logged-in users) and `publicaciones` (/publicaciones,
open to anyone: the published reports, as the convenio requires).
"""

from flask import Blueprint

bp = Blueprint("informes", __name__, url_prefix="/informes", template_folder="templates")
publicaciones_bp = Blueprint("publicaciones", __name__, template_folder="templates")

from app.auth import permisos  # noqa: E402
from app.informes import routes  # noqa: E402,F401  (registers the views)
from app.informes.services import publicacion  # noqa: E402

# The scope rules below this layer ask here whether a semester's report is published.
permisos.publicacion["publicado"] = publicacion.publicado
permisos.publicacion["publicados"] = publicacion.publicados
