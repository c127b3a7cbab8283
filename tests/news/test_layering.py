"""news is the floor the other apps stand on: it never imports them."""

import ast
from pathlib import Path

import masthead.news

UPPER_APPS = ("audience", "curation", "narration", "distribution", "pages", "demo")
NEWS = Path(masthead.news.__file__).parent


def imported_modules(source: str) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
            modules += [f"{node.module}.{alias.name}" for alias in node.names]
    return modules


def upward_imports(source: str) -> list[str]:
    upper = tuple(f"masthead.{app}" for app in UPPER_APPS)
    return [m for m in imported_modules(source) if m.startswith(upper)]


def test_no_module_of_news_imports_an_app_above_it():
    found = {
        str(path.relative_to(NEWS)): upward_imports(path.read_text())
        for path in sorted(NEWS.rglob("*.py"))
        if "migrations" not in path.parts
    }
    assert len(found) > 10  # the scan really read the package
    assert {path: modules for path, modules in found.items() if modules} == {}


def test_the_scan_sees_imports_inside_functions_and_from_the_package():
    source = (
        "def f():\n"
        "    from masthead.audience.selectors import most_popular_ids\n"
        "from masthead import curation\n"
        "import masthead.narration.selectors\n"
        "from masthead.core.memo import memo\n"
    )
    assert set(upward_imports(source)) == {
        "masthead.audience.selectors",
        "masthead.audience.selectors.most_popular_ids",
        "masthead.curation",
        "masthead.narration.selectors",
    }
