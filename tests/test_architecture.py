"""The code keeps the shape docs/ARCHITECTURE.md draws: import directions, no commits outside the
edge, app-wide template helpers in one place, files small enough to read in one sitting."""

import ast
import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGAGE = ROOT / "engage"
MAX_LINES = 400


def _layers() -> dict[str, list[str]]:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/ARCHITECTURE.md has no ```layers block"
    layers = {}
    for line in block.group(1).strip().splitlines():
        name, _, members = line.partition(":")
        layers[name.strip()] = members.split()
    return layers


LAYERS = _layers()
TIERS = {pkg: int(name.split()[1]) for name, pkgs in LAYERS.items() if name.startswith("tier ") for pkg in pkgs}


def _modules() -> dict[str, Path]:
    """Dotted name below `engage` → file, e.g. 'people.views', 'config', '__init__'."""
    found = {}
    for path in ENGAGE.rglob("*.py"):
        rel = path.relative_to(ENGAGE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _matches(name: str, patterns: list[str]) -> bool:
    path = name.replace(".", "/")
    return any(fnmatch.fnmatch(path, p.removesuffix(".py")) or path == p for p in patterns)


def _is_view(name: str) -> bool:
    leaf = name.split(".")[-1]
    return "." in name and (leaf == "views" or leaf.endswith("_views"))


def layer_of(name: str) -> tuple[str, int | None]:
    top = name.split(".")[0]
    if name == "__init__" or top in LAYERS["roots"]:
        return "roots", None
    if _matches(name, LAYERS["foundation"]):
        return "foundation", None
    if _matches(name, LAYERS["schema"]):
        return "schema", None
    if name in LAYERS["core"]:
        return "core", None
    if top in TIERS:
        return "feature", TIERS[top]
    return "unknown", None


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module below engage) for every import of an engage module."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name.removeprefix("engage.")) for a in node.names if a.name.startswith("engage.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "engage":
            base = node.module.removeprefix("engage").lstrip(".")
            for alias in node.names:
                candidate = f"{base}.{alias.name}" if base else alias.name
                out.append((node.lineno, candidate if candidate in MODULES else base or "__init__"))
    return out


def allowed(source: str, target: str) -> bool:
    s_top, t_top = source.split(".")[0], target.split(".")[0]
    if _is_view(target) and s_top != t_top:
        return source == "__init__"
    s_layer, s_tier = layer_of(source)
    t_layer, t_tier = layer_of(target)
    if s_layer == "roots":
        return True
    if s_layer == "core":
        return t_layer == "core"
    if s_layer == "schema":
        return t_layer in ("core", "schema")
    if s_layer == "foundation":
        return t_layer in ("core", "schema", "foundation")
    if t_layer in ("core", "schema", "foundation") or s_top == t_top:
        return True
    return t_layer == "feature" and t_tier < s_tier


def test_every_package_has_a_place_in_the_table():
    unplaced = sorted({n for n in MODULES if layer_of(n)[0] == "unknown"})
    assert not unplaced, f"add these to the layers block of docs/ARCHITECTURE.md: {unplaced}"


def test_imports_follow_the_architecture():
    wrong = sorted(
        {
            f"engage/{path.relative_to(ENGAGE)}:{line} imports {target}"
            for name, path in MODULES.items()
            for line, target in _imports(path)
            if target in MODULES and not allowed(name, target)
        }
    )
    assert not wrong, "imports against docs/ARCHITECTURE.md:\n" + "\n".join(wrong)


def test_the_checker_refuses_what_the_table_forbids():
    # The rules themselves, on names that exist: so the test above cannot pass by accident.
    assert not allowed("people.views", "organizations.views")
    assert not allowed("people.services", "consultations.services")
    assert not allowed("people.models", "people.services")
    assert not allowed("config", "people.models")
    assert allowed("consultations.services", "policies.services")
    assert allowed("people.services", "consultations.models")
    assert allowed("__init__", "people.views")


def _calls(path: Path, names: set[str]) -> list[int]:
    """Lines that use an attribute in `names`: called, or as a decorator."""
    tree = ast.parse(path.read_text(), str(path))
    return sorted({n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in names})


# The request edge, the command-line edge, the tasks a worker runs (engage/tasks.py: each in its own
# app context and session; the evidence pack commits once per step so its progress page can show how
# far it has got, deliveries, reminders and digests once per message sent, so none is sent twice),
# and the capture mail server (one transaction per message received, issue 12).
EDGES = {
    "transaction",
    "cli",
    "briefings.jobs",
    "webhooks.tasks",
    "transfer.tasks",
    "reports.tasks",
    "engagements.tasks",
    "dashboard.tasks",
    "inbox.mailserver",
}


def test_only_the_edges_commit_or_roll_back():
    offenders = [
        f"engage/{path.relative_to(ENGAGE)}:{line}"
        for name, path in MODULES.items()
        if name not in EDGES and name.split(".")[0] != "demo"
        for line in _calls(path, {"commit", "rollback"})
    ]
    assert not offenders, "commit()/rollback() outside engage/transaction.py and the CLI: " + ", ".join(offenders)


def test_app_wide_template_helpers_are_registered_only_in_templating():
    registrars = {"app_template_filter", "app_context_processor", "app_template_global", "add_app_template_filter"}
    registrars |= {"template_filter", "context_processor", "template_global", "add_template_filter"}
    offenders = [
        f"engage/{path.relative_to(ENGAGE)}:{line}"
        for name, path in MODULES.items()
        if name != "templating"
        for line in _calls(path, registrars)
    ]
    assert not offenders, "register template filters and context processors in engage/templating.py: " + ", ".join(
        offenders
    )


def test_files_stay_small_enough_to_read():
    long = {
        f"engage/{p.relative_to(ENGAGE)}": n
        for p in ENGAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these files (over {MAX_LINES} lines): {long}"
