"""The house plan (docs/architecture.md): imports run one way and never in a circle; no module
over 300 lines, no view over 25.

Read from the source with ``ast``, so an import hidden inside a function counts like one at the
top of a module: it is the same dependency, only later.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "clinic"

# Shared base modules: they import nothing above them.
BASE = {"extensions", "db_types", "dates", "i18n", "access", "audit", "errors", "form_fields",
        "web", "workdays", "email", "signals", "secret_links", "log_redaction", "ids",
        "quoting", "navigation"}
# Services every feature may use, above the base.
SERVICES = {"outbox", "uploads"}
# Features, each building on the ones before it (a feature imports only earlier ones).
FEATURES = ["auth", "admin", "catalogue", "reporting", "followups", "coaching", "bimtek",
            "reminders", "dashboard", "api", "precheck"]
# Pages that compose features, then what assembles the whole application.
MAIN = {"main"}
TOP = {"demo", "models", "__init__"}
# Past these a module becomes a package of the same name, and a view hands work to services.
MAX_MODULE_LINES = 300
MAX_VIEW_LINES = 25


def rank(module):
    """(floor, position): a module may import only modules of a lower or equal rank."""
    room = module.split(".")[1] if "." in module else "__init__"
    if room in BASE:
        return (0, 0)
    if room in SERVICES:
        return (1, 0)
    if room in FEATURES:
        return (2, FEATURES.index(room))
    if room in MAIN:
        return (3, 0)
    if room in TOP:
        return (4, 0)
    raise AssertionError(f"clinic/{room} has no place in the house plan: add it to "
                         "tests/test_architecture.py and docs/architecture.md")


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path):
    """(imported name, line) for every import from ``clinic`` in ``path``.

    ``from clinic.x import y`` gives ``clinic.x.y``: the module y when it is one, else a name
    of clinic.x (``graph`` falls back to the module that defines it).
    """
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == "clinic" or node.module.startswith("clinic.")):
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names
                      if alias.name.startswith("clinic.")]
    return found


def graph():
    modules = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    edges = {}
    for name, path in modules.items():
        targets = edges.setdefault(name, {})
        for target, line in imports_of(path):
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target != name and target in modules:
                targets.setdefault(target, line)
    return modules, edges


def room(module):
    return module.split(".")[1] if "." in module else "__init__"


def test_every_import_runs_down_or_sideways_within_its_room():
    modules, edges = graph()
    upward = [f"{modules[source].relative_to(PACKAGE.parent)}:{line} imports {target}"
              for source, targets in edges.items() for target, line in targets.items()
              if room(source) != room(target) and rank(target) > rank(source)]
    assert upward == [], "imports that run up the house plan:\n" + "\n".join(upward)


def strongly_connected(edges):
    """Tarjan's algorithm: the groups of modules that import each other in a circle."""
    index, low, stack, on_stack, groups, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_no_modules_import_each_other_in_a_circle():
    _, edges = graph()
    # A package's __init__ that registers its routes after defining the blueprint is the Flask
    # pattern (bp first, then "from . import routes"): the routes importing bp is not a circle
    # we can remove, so the edge from a package to its own submodules is left out.
    edges = {source: {t: line for t, line in targets.items()
                      if not t.startswith(source + ".")}
             for source, targets in edges.items()}
    circles = strongly_connected(edges)
    assert circles == [], "modules importing each other:\n" + "\n".join(
        " <-> ".join(group) for group in circles)


def test_no_module_is_over_300_lines():
    long = [f"{path.relative_to(PACKAGE.parent)}: {count} lines"
            for path in sorted(PACKAGE.rglob("*.py"))
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert long == [], ("modules to split into a package of the same name "
                        "(routes.py -> routes/sessions.py, routes/notes.py):\n" + "\n".join(long))


def is_view(function):
    """Whether ``function`` is decorated with ``<blueprint>.route(...)``."""
    return any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
               and d.func.attr == "route" for d in function.decorator_list)


def body_lines(function):
    """Lines from the first statement of ``function`` to its last, its docstring left out."""
    body = function.body[1:] if ast.get_docstring(function) is not None else function.body
    return body[-1].end_lineno - body[0].lineno + 1 if body else 0


def test_no_view_is_over_25_lines():
    long = [f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}: {lines} lines"
            for path in sorted(PACKAGE.rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_view(node)
            and (lines := body_lines(node)) > MAX_VIEW_LINES]
    assert long == [], ("views to thin (parse, call a service, commit once, answer):\n"
                        + "\n".join(long))


@pytest.mark.parametrize("module, expected", [
    ("clinic.access", (0, 0)), ("clinic.outbox.models", (1, 0)),
    ("clinic.auth.models", (2, 0)), ("clinic.reminders.planner", (2, 7)),
    ("clinic.main.routes", (3, 0)), ("clinic", (4, 0)),
])
def test_the_plan_places_each_room(module, expected):
    assert rank(module) == expected


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    source = tmp_path / "clinic" / "access.py"
    source.parent.mkdir()
    source.write_text("def f():\n    from clinic.coaching.models import X\n")
    assert imports_of(source) == [("clinic.coaching.models.X", 2)]
    assert strongly_connected({"a": {"b": 1}, "b": {"a": 1}, "c": {"a": 1}}) == [["a", "b"]]


def test_the_check_measures_a_view_without_its_docstring():
    view, helper = ast.parse('@bp.route("/")\n@login_required\ndef index():\n    """Doc."""\n'
                             '    x = 1\n    return x\n\n\ndef helper():\n    return 1\n').body
    assert is_view(view) and body_lines(view) == 2
    assert not is_view(helper)
