"""The import graph of the project's code: small modules, no cycles, and the
data layer (models, marks, derivation, renderings' registry, the facts, the
database backends) never importing the API, the admin or the views."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "agreements"
LIMIT = 400
DATA_LAYER = (
    "agreements.models",
    "agreements.marks",
    "agreements.derive",
    "agreements.renderings",
    "agreements.facts",
    "agreements.db",
    "agreements.lifecycle",
    "agreements.choices",
    "agreements.querysets",
)
ABOVE = ("agreements.api", "agreements.admin", "agreements.views")


def modules():
    """{module name: path} of the project's code, migrations left out."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name, path):
    """The project modules `name` imports at module level (not inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    known = modules()
    return {m for m in found if m in known and m != name}


def test_no_module_is_over_400_lines():
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text().splitlines())) > LIMIT
    }
    assert not long, long


def test_no_import_cycles():
    graph = {name: imports(name, path) for name, path in modules().items()}
    # A package's __init__ importing its own submodules is how it exports them.
    graph = {
        name: {m for m in deps if not name.startswith(m + ".")}
        for name, deps in graph.items()
    }
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for dep in sorted(graph[node]):
            if state.get(dep) == "open":
                cycles.append(stack[stack.index(dep) :] + [dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_the_data_layer_never_imports_the_api_admin_or_views():
    wrong = {
        name: sorted(m for m in imports(name, path) if m.startswith(ABOVE))
        for name, path in modules().items()
        if name.startswith(DATA_LAYER)
    }
    assert not {name: deps for name, deps in wrong.items() if deps}, wrong
