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

// --- Engagements: copy a value to the clipboard: <button data-copy="#input-id"> ---
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const selector = button.getAttribute("data-copy");
  const input = document.querySelector(selector);
  if (!input) return;
  const done = () => {
    const note = document.querySelector(`[data-copy-done="${selector}"]`);
    if (note) note.classList.remove("d-none");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, () => { input.select(); });
  } else {
    input.select();
    document.execCommand("copy");
    done();
  }
});
