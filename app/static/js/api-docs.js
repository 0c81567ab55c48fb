// Swagger UI over this site's OpenAPI document (no inline script: the CSP forbids it).
(function () {
  var nodo = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: nodo.getAttribute("data-documento"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    validatorUrl: null,
  });
})();
