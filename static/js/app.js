// Engage's small behaviours. No inline scripts: CSP allows only files served from this site.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm before a destructive action: <form data-confirm="Archive this person?">
  document.body.addEventListener("submit", (event) => {
    const message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // Auto-submit filter selects: <select data-autosubmit>
  document.body.addEventListener("change", (event) => {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });
});
