"""The shape of the product code, checked so that it stays the way ADR 0007 describes it:
no function much longer than a screen without a stated reason, and no product module that
imports the test package."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["core", "plans", "priorities", "actions", "measures", "boards", "transfer", "demo"]
LIMIT = 60

# Functions allowed to run longer, each with its reason. Keep this short.
LONGER_WITH_REASON: dict[str, str] = {}


def product_files():
    for app in [*PRODUCT, "config"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def long_functions(path: Path, limit: int, root: Path = ROOT):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                yield f"{path.relative_to(root).as_posix()}:{node.name}", length


def test_no_function_runs_past_a_screen_without_a_reason():
    found = {
        name: length for path in product_files() for name, length in long_functions(path, LIMIT)
    }
    unexplained = {name: n for name, n in found.items() if name not in LONGER_WITH_REASON}
    assert not unexplained, f"functions over {LIMIT} lines: {unexplained}"
    stale = set(LONGER_WITH_REASON) - set(found)
    assert not stale, f"no longer long, remove from the list: {sorted(stale)}"


def test_the_check_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT + 5))
    module = tmp_path / "long.py"
    module.write_text(f"def too_long():\n{body}\n\n\ndef short():\n    return 1\n")
    assert list(long_functions(module, LIMIT, tmp_path)) == [("long.py:too_long", LIMIT + 6)]


def test_product_code_never_imports_the_tests():
    offenders = []
    for path in [*product_files(), *sorted((ROOT / "devtools").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(n == "tests" or n.startswith("tests.") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
