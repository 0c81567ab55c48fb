/* Progress of a report build: polls the job's JSON endpoint and updates the page.
 *
 * Markup: an element with data-progreso-url="<json url>" containing a <progress>, an element
 * [data-progreso-mensaje] and an element [data-progreso-error]. When the job ends well the
 * page reloads (it then lists the new file); on error the message is shown (its translated
 * wording comes from the error element's data-texto-* attributes). Loaded as a file
 * (no inline script) so the Content-Security-Policy can forbid inline scripts.
 */
(function () {
  "use strict";

  var INTERVALO_MS = 1500;
  var MAX_FALLOS = 5;

  function seguir(caja) {
    var url = caja.getAttribute("data-progreso-url");
    var barra = caja.querySelector("progress");
    var mensaje = caja.querySelector("[data-progreso-mensaje]");
    var aviso = caja.querySelector("[data-progreso-error]");
    var fallos = 0;

    function texto(nombre, porDefecto) {
      return (aviso && aviso.getAttribute("data-texto-" + nombre)) || porDefecto;
    }

    function mostrar(datos) {
      if (barra) {
        barra.value = Math.round((datos.fraccion || 0) * 100);
        barra.textContent = barra.value + " %";
      }
      if (mensaje) {
        mensaje.textContent = (datos.mensaje || datos.etiqueta || "") + " (" +
          Math.round((datos.fraccion || 0) * 100) + " %)";
      }
    }

    function consultar() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (respuesta) {
          if (!respuesta.ok) { throw new Error("HTTP " + respuesta.status); }
          return respuesta.json();
        })
        .then(function (datos) {
          fallos = 0;
          mostrar(datos);
          if (datos.estado === "terminado") {
            window.location.reload();
          } else if (datos.estado === "error") {
            if (aviso) {
              aviso.textContent = texto("fallo", "No se pudo generar el informe:") + " " +
                (datos.error || texto("desconocido", "error desconocido."));
              aviso.hidden = false;
            }
          } else {
            window.setTimeout(consultar, INTERVALO_MS);
          }
        })
        .catch(function () {
          fallos += 1;
          if (fallos >= MAX_FALLOS) {
            if (aviso) {
              aviso.textContent = texto("conexion",
                "Se perdió la conexión con el servidor. Recargue la página para ver el avance.");
              aviso.hidden = false;
            }
            return;
          }
          window.setTimeout(consultar, INTERVALO_MS * 2);
        });
    }

    consultar();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var cajas = document.querySelectorAll("[data-progreso-url]");
    for (var i = 0; i < cajas.length; i += 1) { seguir(cajas[i]); }
  });
}());
