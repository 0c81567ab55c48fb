/* Data tables on phones: a table wider than its box on a screen up to 600 px becomes one card per
   row, each cell preceded by its column's name (data-etiqueta, read from the header rows), so
   every value is readable without scrolling sideways. The look is CSS (app.css, "Tablas
   apiladas"); without this script wide tables scroll inside their box. A table marked
   .no-apilar keeps its grid. Explicit ARIA roles keep the table semantics that display:block
   would otherwise drop for screen readers. */
(function () {
  "use strict";
  var telefono = window.matchMedia("(max-width: 600px)");
  var tablas = Array.prototype.slice.call(document.querySelectorAll("main table:not(.no-apilar)"));
  // Boxes that scroll sideways (a grid kept on a phone, the wide matrix at any width).
  var cajas = Array.prototype.slice.call(document.querySelectorAll("main .tabla-contenedor, main .tabla-desplazable"));
  if (!tablas.length && !cajas.length) { return; }

  function texto(celda) {
    return (celda.textContent || "").replace(/\s+/g, " ").trim();
  }

  // Column names from the header rows, spans included: "I Semestre 2020 · Programado".
  function nombresDeColumnas(tabla) {
    var rejilla = [];
    if (!tabla.tHead) { return []; }
    Array.prototype.forEach.call(tabla.tHead.rows, function (fila, i) {
      rejilla[i] = rejilla[i] || [];
      var col = 0;
      Array.prototype.forEach.call(fila.cells, function (celda) {
        while (rejilla[i][col] !== undefined) { col += 1; }
        for (var r = 0; r < celda.rowSpan; r += 1) {
          rejilla[i + r] = rejilla[i + r] || [];
          for (var c = 0; c < celda.colSpan; c += 1) { rejilla[i + r][col + c] = texto(celda); }
        }
        col += celda.colSpan;
      });
    });
    var ancho = rejilla.reduce(function (m, f) { return Math.max(m, f.length); }, 0);
    var nombres = [];
    for (var c = 0; c < ancho; c += 1) {
      var partes = [];
      rejilla.forEach(function (f) { if (f[c] && partes.indexOf(f[c]) < 0) { partes.push(f[c]); } });
      nombres.push(partes.join(" · "));
    }
    return nombres;
  }

  // Name every body cell after its column, following row spans down the body.
  function nombrar(tabla) {
    var nombres = nombresDeColumnas(tabla);
    var ocupadas = [];
    Array.prototype.forEach.call(tabla.tBodies, function (cuerpo) {
      Array.prototype.forEach.call(cuerpo.rows, function (fila, i) {
        var col = 0;
        Array.prototype.forEach.call(fila.cells, function (celda) {
          while (ocupadas[i] && ocupadas[i][col]) { col += 1; }
          if (!celda.hasAttribute("data-etiqueta")) {
            celda.setAttribute("data-etiqueta", nombres[col] || "");
          }
          for (var r = 1; r < celda.rowSpan; r += 1) {
            ocupadas[i + r] = ocupadas[i + r] || [];
            for (var c = 0; c < celda.colSpan; c += 1) { ocupadas[i + r][col + c] = true; }
          }
          col += celda.colSpan;
        });
      });
      ocupadas = [];
    });
  }

  var ROLES = [["table", "table"], ["thead, tbody, tfoot", "rowgroup"], ["tr", "row"],
               ["thead th", "columnheader"], ["tbody th, tfoot th", "rowheader"], ["td", "cell"]];

  function marcarRoles(tabla, poner) {
    ROLES.forEach(function (par) {
      var elementos = par[0] === "table" ? [tabla] : tabla.querySelectorAll(par[0]);
      Array.prototype.forEach.call(elementos, function (e) {
        if (poner && !e.hasAttribute("role")) { e.setAttribute("role", par[1]); e.setAttribute("data-rol-apilado", ""); }
        if (!poner && e.hasAttribute("data-rol-apilado")) { e.removeAttribute("role"); e.removeAttribute("data-rol-apilado"); }
      });
    });
  }

  function ajustar() {
    tablas.forEach(function (tabla) {
      var apilada = tabla.classList.contains("apilada");
      if (apilada) { tabla.classList.remove("apilada"); }
      var caja = tabla.parentElement.clientWidth;
      var apilar = telefono.matches && Math.max(tabla.scrollWidth, tabla.offsetWidth) > caja + 1;
      if (apilar) { tabla.classList.add("apilada"); }
      if (apilar !== apilada) { marcarRoles(tabla, apilar); }
    });
  }

  // The name a scrolling box is announced by: its table's caption, else the heading before it.
  function nombreDeCaja(caja) {
    var leyenda = caja.querySelector("caption");
    if (leyenda) { return texto(leyenda); }
    for (var e = caja.previousElementSibling; e; e = e.previousElementSibling) {
      if (/^H[1-6]$/.test(e.tagName)) { return texto(e); }
    }
    return "";
  }

  // A box that scrolls must be reachable by keyboard (WCAG 2.1.1; axe's
  // scrollable-region-focusable): focusable and named while it overflows, left alone otherwise.
  function desplazables() {
    cajas.forEach(function (caja) {
      var desborda = caja.scrollWidth > caja.clientWidth + 1;
      var puesta = caja.hasAttribute("data-desplazable");
      if (desborda && !puesta && !caja.hasAttribute("tabindex")) {
        var puestos = ["tabindex"];  // what this script set, to take back exactly that
        caja.setAttribute("tabindex", "0");
        if (!caja.hasAttribute("role")) { caja.setAttribute("role", "region"); puestos.push("role"); }
        if (!caja.hasAttribute("aria-label") && !caja.hasAttribute("aria-labelledby")) {
          caja.setAttribute("aria-label", (nombreDeCaja(caja) || "Tabla") + " (desplazable)");
          puestos.push("aria-label");
        }
        caja.setAttribute("data-desplazable", puestos.join(" "));
      } else if (!desborda && puesta) {
        caja.getAttribute("data-desplazable").split(" ").forEach(function (a) { caja.removeAttribute(a); });
        caja.removeAttribute("data-desplazable");
      }
    });
  }

  tablas.forEach(nombrar);
  ajustar();
  desplazables();
  var espera = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(espera);
    espera = window.setTimeout(function () { ajustar(); desplazables(); }, 150);
  });
})();
