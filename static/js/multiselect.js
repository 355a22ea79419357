// The one multi-value widget: every <select multiple data-multiselect> (staff, topics, speakers,
// representatives …) becomes a Tom Select box: type to filter, arrows and Enter to choose, each
// choice a chip with a remove button. Without JavaScript the native select submits the same values,
// because Tom Select keeps the original <select> in the form and only mirrors it.
//
// Keyboard: Tab reaches the box; typing filters; Up/Down move, Enter adds; Backspace removes the last
// chip; Left/Right move between chips. Each chip's "Remove …" button is a real tab stop too, pressed
// with Enter or Space. Screen readers get Tom Select's combobox/listbox roles, the field's label
// (Tom Select re-points <label for>), and the help and error text the select was described by.
(() => {
  "use strict";

  const widgets = new WeakMap(); // .ts-wrapper → its TomSelect

  function labelRemoveButtons(ts) {
    ts.control.querySelectorAll(".item").forEach((item) => {
      const remove = item.querySelector(".remove");
      if (!remove) return;
      const name = item.firstChild ? item.firstChild.textContent.trim() : item.textContent.trim();
      remove.setAttribute("aria-label", `Remove ${name}`);
      remove.title = `Remove ${name}`;
    });
  }

  function enhance(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    const ts = new TomSelect(select, {
      plugins: { remove_button: { tabindex: 0, label: "×" } },
      maxOptions: null, // every choice is listed, not the first 50
      refreshThrottle: 0, // filter as each letter is typed, so Enter never picks from a stale list
      hidePlaceholder: false, // the box keeps saying "type to find" beside the chips, and stays clickable
      closeAfterSelect: false,
      placeholder: select.getAttribute("data-placeholder") || "Type to find, or press ↓",
      render: {
        no_results: () => {
          const div = document.createElement("div");
          div.className = "no-results";
          div.textContent = "Nothing matches";
          return div;
        },
      },
    });
    // The help and error text, and the invalid state, follow the focus to the box that has it.
    for (const attr of ["aria-describedby", "aria-invalid", "aria-required"]) {
      if (select.hasAttribute(attr)) ts.control_input.setAttribute(attr, select.getAttribute(attr));
    }
    if (select.classList.contains("is-invalid")) ts.wrapper.classList.add("is-invalid");
    // The original select stays in the form (it is what submits) but is no longer what people use:
    // out of the accessibility tree and the tab order, so it is not announced twice or left unnamed.
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    widgets.set(ts.wrapper, ts);
    labelRemoveButtons(ts);
    ts.on("item_add", () => labelRemoveButtons(ts));
  }

  function enhanceAll(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("select[data-multiselect]")) enhance(root);
    root.querySelectorAll("select[data-multiselect]").forEach(enhance);
  }

  // A chip's remove button is a tab stop (tabindex 0, role button): Enter and Space press it, then
  // the focus goes back to the box so the next Tab continues from there.
  document.addEventListener("keydown", (event) => {
    const remove = event.target.closest && event.target.closest(".ts-control .remove");
    if (!remove || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    event.stopPropagation();
    const ts = widgets.get(remove.closest(".ts-wrapper"));
    remove.click();
    if (ts) {
      // Back in the box, without its list opening over the next field: Tom Select refocuses (and so
      // opens) in a timeout of its own, queued before this one.
      ts.control_input.focus();
      setTimeout(() => ts.close(), 0);
    }
  }, true);

  document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  document.addEventListener("htmx:load", (event) => enhanceAll(event.detail.elt));
  // htmx's history snapshot must hold the plain selects, or a restored page would show two boxes.
  document.addEventListener("htmx:beforeHistorySave", () => {
    document.querySelectorAll("select.tomselected").forEach((select) => select.tomselect && select.tomselect.destroy());
  });
})();
