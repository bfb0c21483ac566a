// Starts Swagger UI on an API's docs page. A file, not an inline script: the services' CSP allows
// scripts from their own origin only (script-src 'self'), and an inline start-up left the page blank.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui-container");
  var config = JSON.parse(root.getAttribute("data-config") || "{}");
  config.url = root.getAttribute("data-spec-url");
  config.dom_id = "#swagger-ui-container";
  window.ui = SwaggerUIBundle(config);
});
