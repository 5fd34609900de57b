"""The model package's import graph: the recorder and the rules never import the model, and no
module of ``sim`` takes part in an import cycle (lazy and type-checking imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Every module of ``modules`` named by an import anywhere in ``path`` (inside functions
    too); ``from sim import chips`` names ``sim.chips``, not the package."""
    names: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else \
        _module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            subs = {f"{base}.{alias.name}" for alias in node.names} & modules
            names |= subs if len(subs) == len(node.names) else subs | {base}
    return names & modules


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in SIM.rglob("*.py")}
    return {name: _imports(path, set(modules)) - {name} for name, path in modules.items()}


def test_the_graph_covers_the_model_modules():
    graph = _graph()
    assert {"sim.model", "sim.metrics", "sim.market", "sim.capability", "sim.chips",
            "sim.agents.lab", "sim.agents.developer", "sim.agents.government"} <= set(graph)
    assert "sim.metrics" in graph["sim.model"]


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


@pytest.mark.parametrize("module", ["sim.metrics", "sim.market", "sim.capability", "sim.chips",
                                    "sim.agents.lab", "sim.agents.developer",
                                    "sim.agents.government"])
def test_recorder_and_rules_never_import_the_model(module):
    assert "sim.model" not in _reachable(_graph(), module)


def test_metrics_imports_no_model_module_directly():
    tree = ast.parse((SIM / "metrics.py").read_text())
    named = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    named |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "sim.model" not in named and "sim" not in named


def test_no_import_cycle_in_sim():
    graph = _graph()
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join([*path, name, nxt]))
            if nxt not in state:
                visit(nxt, [*path, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_sim_imports_no_other_wing():
    for path in SIM.rglob("*.py"):
        tree = ast.parse(path.read_text())
        named = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
        named |= {node.module or "" for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom) and not node.level}
        outside = {m.split(".")[0] for m in named} & {"study", "experiments", "benchmarks"}
        assert not outside, f"{path.name} imports {outside}"
