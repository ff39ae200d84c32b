"""Layer rules from , enforced by reading the source (a rule only written down gets broken).

* ``lupcore`` is pure Python: it never imports streamlit or ``lupui``, so the core stays testable
  and usable from the CLI without a Streamlit runtime;
* pages and ``app.py`` use only ``lupcore``'s public names and never read parquet themselves:
  data reaches them through ``lupui.cache`` (cached, validated once), not ad-hoc file reads;
* core tests do not import streamlit either.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE_FILES = sorted((ROOT / "lupcore").rglob("*.py"))
UI_ENTRY_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
CORE_TEST_FILES = sorted((ROOT / "tests" / "core").rglob("*.py"))
PARQUET_READERS = {"read_parquet", "ParquetFile", "ParquetDataset", "read_table"}
PARQUET_MODULES = ("pyarrow.parquet", "fastparquet", "pyarrow.dataset")


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_modules(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, dotted module) for every import, including ``importlib.import_module("x")`` calls."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # `from lupcore import _x` or `from pyarrow import parquet`
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call) and _call_name(node) in ("import_module", "__import__"):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def _offenders(files: list[Path], banned_roots: tuple[str, ...]) -> list[str]:
    out = []
    for path in files:
        for line, module in imported_modules(_parse(path)):
            if module.split(".")[0] in banned_roots:
                out.append(f"{_rel(path)}:{line} imports {module}")
    return out


def test_scan_sees_the_code() -> None:
    """Guard the guard: an empty file list would make every rule below pass vacuously."""
    assert len(CORE_FILES) >= 10 and (ROOT / "lupcore" / "data" / "_files.py") in CORE_FILES
    assert UI_ENTRY_FILES[0].exists()


def test_core_never_imports_streamlit_or_ui() -> None:
    assert _offenders(CORE_FILES, ("streamlit", "lupui")) == []


def test_core_tests_never_import_streamlit() -> None:
    assert _offenders(CORE_TEST_FILES, ("streamlit", "lupui")) == []


def _private_lupcore_uses(path: Path) -> list[str]:
    tree = _parse(path)
    out = []
    aliases: set[str] = set()  # local names bound to lupcore modules, e.g. `from lupcore import dataset as ds`
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "lupcore":
                    aliases.add(alias.asname or "lupcore")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lupcore":
            aliases.update(alias.asname or alias.name for alias in node.names)
    flagged: set[int] = set()  # one finding per import line, not one per name it pulls in
    for line, module in imported_modules(tree):
        if module.split(".")[0] == "lupcore" and any(_is_private(p) for p in module.split(".")) and line not in flagged:
            flagged.add(line)
            out.append(f"{_rel(path)}:{line} imports private {module}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in aliases:
                out.append(f"{_rel(path)}:{node.lineno} uses private {ast.unparse(node)}")
    return out


def _parquet_reads(path: Path) -> list[str]:
    tree = _parse(path)
    out = [f"{_rel(path)}:{line} imports {module}" for line, module in imported_modules(tree)
           if module.startswith(PARQUET_MODULES)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in PARQUET_READERS:
            out.append(f"{_rel(path)}:{node.lineno} calls {ast.unparse(node.func)}")
    return out


@pytest.mark.parametrize("path", UI_ENTRY_FILES, ids=_rel)
def test_pages_use_public_core_only(path: Path) -> None:
    assert _private_lupcore_uses(path) == []


@pytest.mark.parametrize("path", UI_ENTRY_FILES, ids=_rel)
def test_pages_never_read_parquet(path: Path) -> None:
    assert _parquet_reads(path) == []


def test_rules_catch_violations(tmp_path: Path) -> None:
    """The scanners themselves, on a page that breaks every rule."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import importlib\nimport pandas as pd\nimport pyarrow.parquet as pq\n"
        "from lupcore.dataset import _latest\nfrom lupcore import dataset as ds\n"
        "from lupcore.cli.commands._common import number\n"
        "importlib.import_module('streamlit')\n"
        "ds._scoring_periods(None, None, None)\npd.read_parquet('data/observations.parquet')\n",
        encoding="utf-8",
    )
    private = _private_lupcore_uses(bad)
    parquet = _parquet_reads(bad)
    banned = _offenders([bad], ("streamlit",))
    assert len(private) == 3, private
    assert len(parquet) == 2, parquet
    assert banned == ["bad.py:7 imports streamlit"]


UI_FILES = [*UI_ENTRY_FILES, *sorted((ROOT / "lupui").glob("*.py"))]
STATE_OWNER = ROOT / "lupui" / "state.py"


def _session_state_uses(path: Path) -> list[str]:
    """Every ``st.session_state`` or ``st.query_params`` reference (reads, writes, aliases)."""
    return [f"{_rel(path)}:{node.lineno} uses {ast.unparse(node)}" for node in ast.walk(_parse(path))
            if isinstance(node, ast.Attribute) and node.attr in ("session_state", "query_params")]


@pytest.mark.parametrize("path", [p for p in UI_FILES if p != STATE_OWNER], ids=_rel)
def test_only_the_state_module_touches_session_state(path: Path) -> None:
    """One owner of session state and the URL: pages and other UI modules go through it."""
    assert _session_state_uses(path) == []


def test_session_state_scan_sees_uses(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import streamlit as st\nss = st.session_state\nst.query_params['a'] = 'b'\n", encoding="utf-8")
    assert len(_session_state_uses(bad)) == 2 and _session_state_uses(STATE_OWNER)


def _core_import_graph() -> dict[str, set[str]]:
    """Module → the ``lupcore`` modules it imports (``from pkg import module`` names the module, not ``pkg``)."""
    modules = {}
    for path in CORE_FILES:
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(_parse(path)):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    root = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*root, *([node.module] if node.module else [])])
                subs = {f"{base}.{a.name}" for a in node.names} & modules.keys()
                others = [a for a in node.names if f"{base}.{a.name}" not in modules]
                graph[name] |= subs | ({base} & modules.keys() if others else set())
            elif isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names} & modules.keys()
        graph[name].discard(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), i.e. the import circles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_core_has_no_import_circles() -> None:
    """Each module can be read after the ones it imports; lazy imports to dodge a circle count too."""
    assert _cycles(_core_import_graph()) == []


def test_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_ui_imports_the_core_through_its_face() -> None:
    """Pages and ``lupui`` use ``from lupcore import …`` (the face), so the wings can change behind it.

    The workshop wing is the one exception: its live-room service is its own face (``lupcore.workshop``).
    """
    offenders = [f"{_rel(path)}:{node.lineno} imports {node.module}" for path in UI_FILES
                 for node in ast.walk(_parse(path)) if isinstance(node, ast.ImportFrom) and node.module
                 and node.module.startswith("lupcore.") and not node.module.startswith("lupcore.workshop")]
    offenders += [f"{_rel(path)}:{node.lineno} imports {a.name}" for path in UI_FILES
                  for node in ast.walk(_parse(path)) if isinstance(node, ast.Import)
                  for a in node.names if a.name.startswith("lupcore.")]
    assert offenders == []


def test_a_missing_shared_folder_fails_in_ci_and_only_skips_elsewhere(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    """The data-rebuild checks may skip on a clone without ../shared, never in CI (which always has it)."""
    from tests.conftest import require_shared

    missing = tmp_path / "no-such-folder"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the data checks"):
        require_shared(missing)
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        require_shared(missing)
    assert require_shared(tmp_path) == tmp_path
