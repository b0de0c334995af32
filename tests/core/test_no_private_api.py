"""Only public APIs of Django and libraries (DESIGN.md, Conventions).

Walks every .py file under stressed/ with `ast` and fails on:
- an import of an underscore name from another package (`from django.middleware.csrf import
  _mask_cipher_secret`, `import django.utils._os`, `from csp._x import y`);
- an assignment to an underscore attribute of something imported from another package
  (`csrf._get_new_csrf_string = ...`, `setattr(csrf, "_x", ...)`), the monkey-patching the
  site once did to make CSRF tokens cheaper.
The project's own modules may use their own private helpers.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "stressed"
OWN = "stressed"


def is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_own(module):
    return module == OWN or module.startswith(OWN + ".")


def root_name(node):
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def problems_in(source, filename="<string>"):
    tree = ast.parse(source, filename)
    imported = {}  # local name -> the module it came from
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not is_own(alias.name) and any(map(is_private, alias.name.split("."))):
                    problems.append(f"{filename}:{node.lineno}: import {alias.name}")
                local = alias.asname or alias.name.split(".")[0]
                imported[local] = alias.name
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level or is_own(module):
                continue
            if any(map(is_private, module.split("."))):
                problems.append(f"{filename}:{node.lineno}: from {module} import ...")
            for alias in node.names:
                if is_private(alias.name):
                    problems.append(f"{filename}:{node.lineno}: from {module} import {alias.name}")
                imported[alias.asname or alias.name] = module
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and is_private(part.attr):
                    root = root_name(part.value)
                    if root in imported:
                        problems.append(
                            f"{filename}:{node.lineno}: assigns {root}….{part.attr} "
                            f"({imported[root]})"
                        )
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("setattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and is_private(node.args[1].value)
            and root_name(node.args[0]) in imported
        ):
            problems.append(f"{filename}:{node.lineno}: {node.func.id} {node.args[1].value}")
    return problems


def python_files():
    return sorted(PACKAGE.rglob("*.py"))


def test_the_walk_finds_the_package():
    files = python_files()
    assert len(files) > 30 and PACKAGE / "settings.py" in files


def test_no_private_names_of_other_packages():
    problems = []
    for path in python_files():
        relative = path.relative_to(PACKAGE.parent)
        problems += problems_in(path.read_text(), str(relative))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        "from django.middleware.csrf import _mask_cipher_secret",
        "from django.middleware import csrf\ncsrf._get_new_csrf_string = lambda: 'x'",
        "import django.middleware.csrf as csrf\ncsrf._mask_cipher_secret = print",
        "from csp.middleware import CSPMiddleware\nCSPMiddleware._x = 1",
        "import django.utils._os",
        "from django.middleware import csrf\nsetattr(csrf, '_get_new_csrf_string', print)",
        "from django.contrib.messages.storage.fallback import FallbackStorage as F\nF._y += 1",
    ],
)
def test_the_checker_catches(source):
    assert problems_in(source)


@pytest.mark.parametrize(
    "source",
    [
        "from stressed.core.cache import _from_database",
        "from . import _helpers",
        "class A:\n    def f(self):\n        self._x = 1",
        "from django.http import HttpResponse\nresponse = HttpResponse()\nresponse['X'] = '1'",
        "def f(view):\n    view.__doc__ = 'x'",
    ],
)
def test_the_checker_allows(source):
    assert problems_in(source) == []
