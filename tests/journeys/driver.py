"""One user's hands on a journey: the mouse, or the keyboard alone.

A journey says what the user does (`type_into`, `press`, `choose`, `pick` …) on elements found by
their accessible names; the driver does it with the mouse (click, fill) or with the keyboard alone
(Tab / Shift-Tab to the element in a bounded number of presses, then Enter, Space, arrows or
typing — never a click or a fill). Each `step` saves a screenshot under
tests/artifacts/<journey>/<width>-<mode>/NN-step.png and fails the journey on any console error,
any Content-Security-Policy violation, and any request that tried to leave the site.
"""

import os
import re
from pathlib import Path

# ENGAGE_ARTIFACTS moves them, e.g. for a second run beside the first.
ARTIFACTS = Path(os.environ.get("ENGAGE_ARTIFACTS") or Path(__file__).resolve().parent.parent / "artifacts")
TAB_LIMIT = 80  # presses to reach one element from wherever the focus is

# Records what the CSP refused, whichever script or stylesheet caused it (the console shows most, not all).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const on = e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 160) : "";
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile}:${e.lineNumber} on ${on}`);
});
"""

# 0: the target has the focus; 1: it is after the focused element (Tab); -1: before it (Shift-Tab).
WHERE = """
(el) => {
  const active = document.activeElement;
  if (active === el) return 0;
  if (!active || active === document.body) return 1;
  return el.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}
"""


class Problems(AssertionError):
    pass


class Driver:
    def __init__(self, page, base: str, journey: str, width: int, mode: str):
        self.page = page
        self.base = base
        self.mode = mode
        self.keyboard = mode == "keyboard"
        self.folder = ARTIFACTS / journey / f"{width}-{mode}"
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink(missing_ok=True)
        self.steps = 0
        self.presses: list[tuple[int, str]] = []  # Tab presses to reach each element (tabs.txt beside the shots)
        self.console: list[str] = []
        self.offsite: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        page.on("pageerror", lambda e: self.console.append(f"uncaught: {e}"))
        page.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base + "/") or url == self.base:
            route.continue_()
        else:
            self.offsite.append(url)
            route.abort()

    # --- what every journey does -------------------------------------------------------------

    def open(self, path: str) -> None:
        """Where a journey starts: a typed address or a bookmark (the same for mouse and keyboard)."""
        self.page.goto(self.base + path)

    def step(self, name: str) -> None:
        """A screenshot of what the user sees now, and no console error, CSP violation or offsite request so far."""
        self.steps += 1
        self.page.wait_for_load_state()
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.page.screenshot(path=str(self.folder / f"{self.steps:02d}-{slug}.png"))
        self.check()

    def write_tabs(self) -> None:
        if self.presses:
            (self.folder / "tabs.txt").write_text("".join(f"{n:3d} {what}\n" for n, what in self.presses))

    def check(self) -> None:
        csp = self.page.evaluate("window.__csp || []")
        problems = [f"console: {c}" for c in self.console] + [f"CSP: {c}" for c in csp]
        problems += [f"left the site: {u}" for u in self.offsite]
        if problems:
            raise Problems(f"{self.folder.name} step {self.steps}: " + "; ".join(problems))

    # --- the hands -------------------------------------------------------------------------

    def focus(self, target) -> None:
        """Keyboard: Tab (or Shift-Tab) until `target` has the focus, at most TAB_LIMIT presses."""
        target.wait_for(state="visible")
        for n in range(TAB_LIMIT):
            where = target.evaluate(WHERE)
            if where == 0:
                self.presses.append((n, str(target)[:120]))
                return
            self.page.keyboard.press("Tab" if where > 0 else "Shift+Tab")
        raise AssertionError(f"the keyboard did not reach {target} in {TAB_LIMIT} presses")

    def type_into(self, target, text: str) -> None:
        """Replace a text field's value."""
        if self.keyboard:
            self.focus(target)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.press("Delete")
            if text:
                self.page.keyboard.type(text)
        else:
            target.click()
            target.fill(text)

    # Headless Chromium lays date fields out as en-US whatever the locale: mm/dd/yyyy, a 12-hour clock.
    def type_date(self, target, iso: str) -> None:
        """<input type=date>: the keyboard types the month, day and year into its segments."""
        if self.keyboard:
            self.focus(target)
            y, m, d = iso.split("-")
            self.page.keyboard.type(m + d + y)
            assert target.input_value() == iso, (iso, target.input_value())
        else:
            target.fill(iso)

    def type_datetime(self, target, iso: str) -> None:
        """<input type=datetime-local>, e.g. 2027-03-02T14:30: the date, → to the hours, then h, mm and AM/PM."""
        if self.keyboard:
            self.focus(target)
            day, time = iso.split("T")
            y, m, d = day.split("-")
            hour, minute = (int(x) for x in time.split(":"))
            self.page.keyboard.type(m + d + y)
            self.page.keyboard.press("ArrowRight")
            self.page.keyboard.type(f"{(hour - 1) % 12 + 1:02d}{minute:02d}{'P' if hour >= 12 else 'A'}")
            assert target.input_value() == iso, (iso, target.input_value())
        else:
            target.fill(iso)

    def press(self, target) -> None:
        """A button or a link: Enter, or a click. When it opens a page, wait until the page's deferred
        scripts have run: a page shows its controls while it is still parsing, and a button
        pressed before app.js binds it does nothing (the feed's Copy button, under a full suite)."""
        if self.keyboard:
            self.focus(target)
            self.page.keyboard.press("Enter")
        else:
            target.click()
        self.page.wait_for_load_state("load")

    def choose(self, select, label: str) -> None:
        """A native <select>: the keyboard types the option's first letters, then arrows to it."""
        if not self.keyboard:
            select.select_option(label=label)
            return
        self.focus(select)
        current = "(el) => el.selectedIndex >= 0 ? el.options[el.selectedIndex].text.trim() : ''"
        self.page.keyboard.type(label[:8])
        if select.evaluate(current) == label:
            return
        target = select.evaluate(f"(el) => [...el.options].findIndex((o) => o.text.trim() === {label!r})")
        assert target >= 0, f"no option {label!r} in {select}"
        for _ in range(400):
            index = select.evaluate("(el) => el.selectedIndex")
            if index == target:
                return
            self.page.keyboard.press("ArrowDown" if index < target else "ArrowUp")
        raise AssertionError(f"the keyboard could not choose {label!r} in {select}")

    def multi(self, label: str, option: str) -> None:
        """The multi-value widget (Tom Select, static/js/multiselect.js): type, then Enter, or click the option."""
        box = self.page.get_by_role("combobox", name=label)
        wrapper = self.page.locator(".ts-wrapper", has=box)
        if self.keyboard:
            self.focus(box)
            self.page.keyboard.type(option)
            self.page.locator(".ts-dropdown .option.active", has_text=option).wait_for()
            self.page.keyboard.press("Enter")
            self.page.keyboard.press("Escape")
        else:
            box.click()
            self.page.locator(".ts-dropdown .option", has_text=option).first.click()
            self.page.get_by_role("heading", level=1).click()  # a click elsewhere closes the list
        wrapper.locator(".item", has_text=option).wait_for()

    def pick(self, box, name: str, typed: str) -> None:
        """A type-ahead picker (people, organisations, participants): type, wait, then Enter or click."""
        suggestion = self.page.locator("[data-pick]", has_text=name).first
        if self.keyboard:
            self.focus(box)
            self.page.keyboard.type(typed)
            suggestion.wait_for()
            self.page.keyboard.press("Enter")
        else:
            box.click()
            box.fill(typed)
            suggestion.click()

    def upload(self, target, path: Path) -> None:
        """A file input: Space (keyboard) or a click opens the file chooser; the file is chosen there."""
        with self.page.expect_file_chooser() as chooser:
            if self.keyboard:
                self.focus(target)
                self.page.keyboard.press("Space")
            else:
                target.click()
        chooser.value.set_files(str(path))

    def download(self, target) -> bytes:
        with self.page.expect_download() as download:
            self.press(target)
        return Path(download.value.path()).read_bytes()
