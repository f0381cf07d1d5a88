"""The import graph between the apps, and any cycle in it: ``python -m devtools.import_graph``.

Reads every module of the apps with grimp (installed with import-linter; nothing is imported or
run), folds module imports into app-to-app edges and prints them, lowest app first. Imports
listed under ``ignore_imports`` in pyproject.toml's ``[tool.importlinter]`` contracts (known
violations, each to be removed) are shown but left out of the cycle check unless ``--strict``.
Exits 1 when two or more apps import each other, directly or round a loop, and prints the
module imports that close the loop. ``make import-graph`` runs it; so does CI. The layers
contract of ``lint-imports`` implies the same, this shows it plainly (ADR 0008).
"""

import argparse
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import grimp

# Lowest first, as in the layers contract; devtools and config sit on top.
APPS = (
    "core",
    "plans",
    "priorities",
    "actions",
    "measures",
    "boards",
    "transfer",
    "demo",
    "devtools",
    "config",
)

ROOT = Path(__file__).resolve().parent.parent

Edge = tuple[str, str]
Example = tuple[str, str, int | None]  # importer module, imported module, line


def ignored_imports(pyproject: Path = ROOT / "pyproject.toml") -> set[tuple[str, str]]:
    """The (importer, imported) module pairs that import-linter's contracts ignore."""
    config = tomllib.loads(pyproject.read_text()).get("tool", {}).get("importlinter", {})
    pairs = set()
    for contract in config.get("contracts", []):
        for line in contract.get("ignore_imports", []):
            importer, _, imported = (part.strip() for part in line.partition("->"))
            pairs.add((importer, imported))
    return pairs


def app_of(module: str) -> str:
    return module.split(".", 1)[0]


def app_edges(
    graph: grimp.ImportGraph, ignored: set[tuple[str, str]]
) -> tuple[dict[Edge, list[Example]], dict[Edge, list[Example]]]:
    """App-to-app edges, each with the module imports behind it: (counted, ignored)."""
    counted: dict[Edge, list[Example]] = defaultdict(list)
    skipped: dict[Edge, list[Example]] = defaultdict(list)
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            edge = (app_of(importer), app_of(imported))
            if edge[0] == edge[1]:
                continue
            details = graph.get_import_details(importer=importer, imported=imported)
            line = details[0]["line_number"] if details else None
            target = skipped if (importer, imported) in ignored else counted
            target[edge].append((importer, imported, line))
    return counted, skipped


def cycles(edges: set[Edge], nodes: tuple[str, ...]) -> list[list[str]]:
    """The groups of apps that reach one another (strongly connected, two or more apps)."""
    following: dict[str, set[str]] = defaultdict(set)
    for importer, imported in edges:
        following[importer].add(imported)

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in following[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reaches = {app: reach(app) for app in nodes}
    groups, placed = [], set()
    for app in nodes:
        if app in placed or app not in reaches[app]:
            continue
        group = [other for other in nodes if other in reaches[app] and app in reaches[other]]
        placed.update(group)
        groups.append(group)
    return groups


def describe(examples: list[Example], limit: int = 3) -> str:
    shown = [f"{a} -> {b} (l.{line})" for a, b, line in examples[:limit]]
    more = len(examples) - limit
    return ", ".join(shown) + (f", and {more} more" if more > 0 else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--strict", action="store_true", help="count the imports that the contracts ignore too"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*APPS, cache_dir=None)
    ignored = set() if args.strict else ignored_imports()
    counted, skipped = app_edges(graph, ignored)

    print("Imports between apps (importer -> what it imports), lowest app first:")
    for app in APPS:
        targets = sorted({b for a, b in counted if a == app}, key=APPS.index)
        print(f"  {app:<10} -> {', '.join(targets) or '(nothing)'}")
    for (a, b), examples in sorted(skipped.items()):
        print(f"  ignored    {a} -> {b}: {describe(examples)} (known, to be removed)")

    found = cycles(set(counted), APPS)
    if not found:
        print("No cycle between apps.")
        return 0
    for group in found:
        print(f"Cycle between apps: {' <-> '.join(group)}")
        for edge in sorted(counted):
            if edge[0] in group and edge[1] in group:
                print(f"  {edge[0]} -> {edge[1]}: {describe(counted[edge])}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
