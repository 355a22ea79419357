// Directory pages (forums, helplines): print button, and search boxes that must not submit the form.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  // Enter on a select submits its form (the crisis lookup: choose by typing, then Enter).
  document.querySelectorAll("select[data-submit-on-enter]").forEach((select) => {
    select.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && select.value) {
        event.preventDefault();
        select.form.requestSubmit();
      }
    });
  });
  // Enter in a lookup box searches (htmx) instead of saving the surrounding form.
  document.querySelectorAll("input[data-lookup]").forEach((input) => {
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        if (window.htmx) window.htmx.trigger(input, "search");
      }
    });
  });
});
