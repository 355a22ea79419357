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

// Tables stacked into cards on phones (.table-stack): each cell is labelled with its column's
// heading, unless the template labelled it; a heading that is only for screen readers labels none.
function labelStackedCells(root) {
  root.querySelectorAll("table.table-stack").forEach((table) => {
    const headings = [...table.querySelectorAll("thead th")].map((th) => {
      const hidden = th.querySelector(".visually-hidden");
      return hidden && hidden.textContent.trim() === th.textContent.trim() ? "" : th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach((row) => {
      [...row.children].forEach((cell, i) => {
        if (!cell.hasAttribute("data-label") && headings[i]) cell.setAttribute("data-label", headings[i]);
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", () => labelStackedCells(document));
document.addEventListener("htmx:afterSwap", (event) => labelStackedCells(event.target));

// --- Consultations (feature/consultations) ------------------------------------------------
// htmx does not swap error responses by default; our fragments for 400 (messages next to the
// fields), 409 (someone saved first) and 422 are meant to be shown in place.
document.addEventListener("htmx:beforeSwap", (evt) => {
  const status = evt.detail.xhr.status;
  if (status === 400 || status === 409 || status === 422) {
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
  }
});

// Participant picker: suggestion buttons add a chip carrying a hidden input; chips can be removed.
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("click", (event) => {
    const pick = event.target.closest("[data-pick]");
    if (pick) {
      const owner = pick.closest(".participant-picker");
      // The picker decides which field a pick fills, so one suggestion list serves every form.
      const field = (owner && owner.getAttribute("data-field")) || pick.getAttribute("data-pick");
      const list = document.getElementById(`${field}-chosen`);
      if (!list) return;
      const id = pick.getAttribute("data-id");
      const name = pick.getAttribute("data-name");
      const rowTemplate = owner && document.getElementById(owner.getAttribute("data-row-template") || "");
      if (rowTemplate) {
        // A row with more than the person (e.g. an engagement participant's role and RSVP).
        const ref = `#${id}`;
        if (!list.querySelector(`input[data-person-ref][value="${CSS.escape(ref)}"]`)) {
          const index = owner.getAttribute("data-next") || "0";
          owner.setAttribute("data-next", String(Number(index) + 1));
          const row = rowTemplate.content.firstElementChild.cloneNode(true);
          row.querySelectorAll("[name], [id], [for]").forEach((el) => {
            for (const attr of ["name", "id", "for"]) {
              if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace("__i__", index));
            }
          });
          row.querySelector("[data-person-ref]").value = ref;
          row.querySelector("[data-person-name]").textContent = name;
          const hint = pick.querySelector(".suggestion-hint");
          row.querySelector("[data-person-hint]").textContent = hint ? hint.textContent : "";
          row.querySelector("[data-unpick]").setAttribute("aria-label", `Remove ${name}`);
          list.append(row);
        }
      } else if (!list.querySelector(`input[value="${CSS.escape(id)}"]`)) {
        const chip = document.createElement("li");
        chip.className = "list-inline-item chip badge text-bg-light border";
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = field;
        input.value = id;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-close btn-close-sm ms-1";
        remove.setAttribute("data-unpick", "");
        remove.setAttribute("aria-label", `Remove ${name}`);
        chip.append(input, document.createTextNode(`${name} `), remove);
        list.append(chip);
      }
      const picker = pick.closest(".participant-picker");
      const box = picker && picker.querySelector("input[type=search]");
      const suggestions = pick.closest(".suggestions");
      if (suggestions) suggestions.innerHTML = "";
      if (box) {
        box.value = "";
        box.focus();
      }
      return;
    }
    const unpick = event.target.closest("[data-unpick]");
    if (unpick) {
      const picker = unpick.closest(".participant-picker");
      unpick.closest(".chip, [data-participant]").remove();
      const box = picker && picker.querySelector("input[type=search]");
      if (box) box.focus();
    }
  });
  // Enter in a type-ahead box picks the first suggestion instead of submitting the whole form;
  // ArrowDown moves into the suggestions.
  document.body.addEventListener("keydown", (event) => {
    const box = event.target.closest(".participant-picker input[type=search]");
    if (!box) return;
    const first = box.closest(".participant-picker").querySelector("[data-pick]");
    if (event.key === "Enter") {
      event.preventDefault();
      if (first) first.click();
    } else if (event.key === "ArrowDown" && first) {
      event.preventDefault();
      first.focus();
    }
  });
});
// --- end Consultations ------------------------------------------------------------------------
// --- Engagements: copy a value to the clipboard: <button data-copy="#input-id"> ---
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const selector = button.getAttribute("data-copy");
  const input = document.querySelector(selector);
  if (!input) return;
  const note = document.querySelector(`[data-copy-done="${selector}"]`);
  const show = (text) => {
    if (!note) return;
    note.textContent = text;
    note.classList.remove("d-none");
  };
  // The copy command answers at once inside the click; the asynchronous clipboard is the second
  // try, and when both refuse the value is left selected for Ctrl+C, with a word to say so.
  input.select();
  let copied = false;
  try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
  const manual = () => { input.select(); show("Selected: press Ctrl+C (⌘C on a Mac) to copy."); };
  if (copied) {
    show("Copied.");
  } else if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(() => show("Copied."), manual);
  } else {
    manual();
  }
});
// --- "Did you mean …?": <button data-fill="#field" data-value="…" data-uncheck="#confirm"> ---
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-fill]");
  if (!button) return;
  const input = document.querySelector(button.getAttribute("data-fill"));
  if (!input) return;
  input.value = button.getAttribute("data-value");
  const uncheck = button.getAttribute("data-uncheck");
  const confirm = uncheck && document.querySelector(uncheck);
  if (confirm) confirm.checked = false;
  input.focus();
});

// --- Accessibility (issue 15) ----------------------------------------------------------------
// After a refused submit the page (or the fragment htmx swapped in) comes back with its fields
// marked aria-invalid: focus goes to the first, so a keyboard or screen-reader user lands on it
// and hears its label and message (tied by aria-describedby); the summary above is announced.
function focusFirstInvalid(root) {
  const field = root.querySelector('[aria-invalid="true"]');
  if (field && typeof field.focus === "function") field.focus();
}
document.addEventListener("DOMContentLoaded", () => {
  const main = document.getElementById("main");
  if (main) focusFirstInvalid(main);
});
document.addEventListener("htmx:afterSwap", (event) => focusFirstInvalid(event.target));

// --- Saved views (issue 14) -------------------------------------------------------------------
// "Save this view" opened (a <details>, so it opens from the keyboard without this script): the
// cursor goes to the name it asks for.
document.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (details.matches && details.matches(".saved-view-save") && details.open) {
      const name = details.querySelector('input[name="name"]');
      if (name) name.focus();
    }
  },
  true,
);
