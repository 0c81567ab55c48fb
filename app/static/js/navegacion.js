/* Main menu: collapsed behind the "Menú" button on phones, drop-down groups on wider screens.
   Works without this script (every <details> opens with the keyboard or a tap); the script only
   closes the phone menu on load, keeps one group open at a time and closes groups with Escape
   or a click elsewhere. */
(function () {
  "use strict";
  var menu = document.getElementById("menu-principal");
  if (!menu) { return; }
  var telefono = window.matchMedia("(max-width: 800px)");
  var grupos = Array.prototype.slice.call(menu.querySelectorAll("details[data-grupo]"));

  function ajustar() {
    if (telefono.matches) { menu.removeAttribute("open"); } else { menu.setAttribute("open", ""); }
  }
  ajustar();
  if (telefono.addEventListener) { telefono.addEventListener("change", ajustar); }

  grupos.forEach(function (grupo) {
    grupo.addEventListener("toggle", function () {
      if (!grupo.open || telefono.matches) { return; }
      grupos.forEach(function (otro) { if (otro !== grupo) { otro.removeAttribute("open"); } });
    });
  });

  document.addEventListener("keydown", function (evento) {
    if (evento.key !== "Escape") { return; }
    grupos.forEach(function (grupo) {
      if (grupo.open) {
        grupo.removeAttribute("open");
        grupo.querySelector("summary").focus();
      }
    });
  });

  document.addEventListener("click", function (evento) {
    if (telefono.matches) { return; }
    grupos.forEach(function (grupo) {
      if (grupo.open && !grupo.contains(evento.target)) { grupo.removeAttribute("open"); }
    });
  });
})();
