// The API reference page (/api/v1/docs): Swagger UI on the generated OpenAPI document.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
    validatorUrl: null,
    persistAuthorization: false,
  });
});
