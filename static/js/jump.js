// The navigation's jump box (ARIA combobox with a listbox): htmx fills #jump-options as the user
// types; ArrowDown/ArrowUp move through the options, Enter opens the chosen one (or searches
// everything), Escape closes the list, and "/" anywhere outside a field focuses the box.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("jump-q");
  const list = document.getElementById("jump-options");
  if (!input || !list) return;
  let active = -1;

  const options = () => Array.from(list.querySelectorAll('[role="option"]'));
  const open = (yes) => {
    list.hidden = !yes;
    input.setAttribute("aria-expanded", yes ? "true" : "false");
    if (!yes) choose(-1);
  };
  const choose = (index) => {
    const all = options();
    active = index;
    all.forEach((option, i) => {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      option.classList.toggle("active", i === index);
    });
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target !== list) return;
    active = -1;
    open(input.value.trim().length >= 2 && options().length > 0);
  });
  input.addEventListener("keydown", (event) => {
    const all = options();
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      open(true);
      choose((active + 1) % all.length);
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      open(true);
      choose(active <= 0 ? all.length - 1 : active - 1);
    } else if (event.key === "Enter" && !list.hidden && active >= 0 && all[active]) {
      event.preventDefault();
      window.location.assign(all[active].getAttribute("href"));
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
        open(false);
      } else {
        input.value = "";
      }
    }
  });
  input.addEventListener("input", () => {
    if (input.value.trim().length < 2) open(false);
  });
  input.addEventListener("blur", () => {
    // Let a click on an option land before the list closes.
    window.setTimeout(() => {
      if (!list.contains(document.activeElement)) open(false);
    }, 150);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
});
