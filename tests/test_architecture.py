"""The layout rules of ``docs/architecture.md``, checked on the source.

Every import in ``src/sufficiency`` is read from the syntax tree, including
imports deferred into functions and those under ``TYPE_CHECKING``, so a
circle or an upward import cannot hide in either.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sufficiency

SRC = Path(sufficiency.__file__).resolve().parent
#: The stages from the bottom up (docs/architecture.md); a package may import only from packages of a lower rank.
STAGES = {
    "common": 0,
    "ingest": 1,
    "counts": 2,
    "published": 2,
    "rates": 3,
    "projection": 4,
    "accuracy": 5,
    "finance": 5,
    "places": 6,
    "scenarios": 7,
    "datasets": 8,
    "evaluation": 8,
    "plotting": 9,
    "report": 10,
}
#: Top-level modules: the public API and the command line, above every stage.
TOP = {"__init__", "__main__", "cli"}
MAX_LINES = 500
MAX_MODULES = 15


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        out[".".join(["sufficiency", *parts])] = path
    return out


MODULES = _modules()


def _resolve(module: str, level: int, name: str | None) -> str:
    package = module.split(".")
    package = package[:-1]  # the package a module (or a package's __init__) lives in
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join(base + ([name] if name else []))


def _imports(module: str) -> set[str]:
    """Every sufficiency module ``module`` imports, wherever the import statement is."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node.level, node.module) if node.level else (node.module or "")
            subs = [f"{base}.{a.name}" for a in node.names]
            # "from package import name" imports the package itself unless every name is one of its modules
            whole = any(s not in MODULES and f"{s}.__init__" not in MODULES for s in subs)
            names = ([base] if whole else []) + subs
        else:
            continue
        for name in names:
            if not name.startswith("sufficiency"):
                continue
            if name in MODULES:
                out.add(name)
            elif f"{name}.__init__" in MODULES:
                out.add(f"{name}.__init__")
    out.discard(module)
    return out


GRAPH = {m: _imports(m) for m in MODULES}


def _stage(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 2 and parts[1] in TOP:
        return max(STAGES.values()) + 1
    return STAGES[parts[1]]


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else ""


def test_every_package_has_a_stage():
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(STAGES)


def test_no_package_imports_from_its_own_stage_or_above():
    upward = [
        f"{m} -> {t}"
        for m, targets in GRAPH.items()
        for t in targets
        if _package(m) != _package(t) and _stage(t) >= _stage(m) and not (_stage(m) > max(STAGES.values()))
    ]
    assert upward == []


def test_no_import_cycles():
    # Tarjan's strongly connected components over the module graph
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in GRAPH:
        if v not in index:
            visit(v)
    assert cycles == []


def test_no_module_is_long():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_folder_holds_many_modules():
    folders = {}
    for path in MODULES.values():
        folders.setdefault(path.parent, []).append(path.name)
    crowded = {str(f.relative_to(SRC)): len(names) for f, names in folders.items() if len(names) > MAX_MODULES}
    assert crowded == {}


def test_only_plotting_imports_matplotlib_and_only_the_report_imports_openpyxl():
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {
            (n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level
        }
        if "matplotlib" in names:
            assert _package(module) in ("plotting", "report"), module
        if "openpyxl" in names:
            assert _package(module) == "report", module


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.endswith("__main__")))
def test_every_module_says_what_it_offers(module):
    """Each module lists its names for other modules in ``__all__``; every other top-level name starts with ``_``."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    declared = None
    defined = []
    for node in tree.body:
        targets = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            targets = [node.name]
        elif isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        for name in targets:
            if name == "__all__":
                declared = ast.literal_eval(node.value)  # type: ignore[union-attr]
            else:
                defined.append(name)
    if declared is None and module.endswith("__init__") and not defined:
        return  # a package with only a docstring
    assert declared is not None, f"{module} has no __all__"
    loose = [n for n in defined if not n.startswith("_") and n not in declared]
    assert loose == [], f"{module}: public-looking names not in __all__: {loose}"


def test_import_sufficiency_loads_neither_matplotlib_nor_openpyxl():
    code = "import sys, sufficiency; print(sorted(m for m in ('matplotlib', 'openpyxl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_compiled_code_stays_behind_the_projection():
    compiled = {f"sufficiency.projection.{m}" for m in ("_kernels", "_matrices", "_random", "_steps")}
    users = {m for m, targets in GRAPH.items() if targets & compiled}
    assert users and all(_package(m) == "projection" for m in users), users
