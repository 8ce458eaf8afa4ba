"""The apps' one-way layers and the absence of import circles between packages, read from
the source by tools/check_layers.py (every import, also inside functions); import-linter
checks the same layers in `make lint` (.importlinter)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tools.check_layers import (
    RANKS,
    cross_package_circles,
    import_graph,
    imports_in,
    layer_violations,
    strongly_connected,
    upward_imports,
)

ROOT = Path(__file__).resolve().parents[1]


def test_no_app_imports_a_higher_app_anywhere_in_a_file():
    violations = layer_violations(ROOT)
    assert not violations, "lower apps import higher ones:\n" + "\n".join(map(str, violations))


def test_no_import_circle_crosses_packages():
    circles = cross_package_circles(import_graph(ROOT))
    assert not circles, "import circles across packages:\n" + "\n".join(
        " <-> ".join(circle) for circle in circles
    )


def test_config_has_no_import_circle():
    graph = import_graph(ROOT, ("config",))
    assert strongly_connected(graph) == []


def test_every_app_package_is_checked():
    """Gigbox's own Django apps, and core (plain Python below them), all have a layer."""
    apps = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    own = {name for name in apps if (ROOT / name / "apps.py").exists()}
    assert own | {"core"} == set(RANKS)


# The checker itself ---------------------------------------------------------------------------

LAZY_UPWARD = """
from marketplace.models import Order


def place(order: Order) -> None:
    if order.pk:
        from inbox.order_events import post_order_event

        post_order_event(order=order, event=None)
"""


def test_the_checker_finds_a_lazy_import_inside_a_function():
    (violation,) = upward_imports(
        LAZY_UPWARD, module="marketplace.services", path="marketplace/services.py"
    )
    assert (violation.path, violation.line, violation.imported) == (
        "marketplace/services.py",
        7,
        "inbox.order_events",
    )
    assert str(violation).startswith("marketplace/services.py:7: ")


@pytest.mark.parametrize(
    "source, line",
    [
        ("import moderation.services\n", 1),
        ("from deals import selectors\n", 1),
        ("x = 1\nclass A:\n    def f(self):\n        import disputes\n", 4),
        (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from deals.models import Offer\n",
            3,
        ),
        (
            "import importlib\n\n"
            "def f():\n    return importlib.import_module('moderation.notices')\n",
            4,
        ),
        ("def f():\n    return __import__('disputes.checkpoints')\n", 2),
    ],
)
def test_the_checker_finds_every_form_of_import(source, line):
    assert [v.line for v in upward_imports(source, module="inbox.selectors")] == [line]


def test_a_relative_import_is_resolved_against_the_files_package():
    # inbox/tests/test_x.py: `from ...moderation import models` names moderation.models.
    source = "def f():\n    from ...moderation import models\n"
    assert imports_in(source, package="inbox.tests")[0].module == "moderation"
    assert upward_imports(source, module="inbox.tests.test_x")[0].line == 2


def test_downward_and_own_app_imports_pass():
    source = (
        "from core.contact import scan\nimport marketplace.models\nfrom inbox import services\n"
        "def f():\n    from moderation import notices\n    from deals.models import Offer\n"
    )
    assert upward_imports(source, module="disputes.services") == []
    assert upward_imports("import moderation.models\n", module="moderation.admin") == []


def test_moderation_and_deals_do_not_import_each_other():
    assert upward_imports("import deals.models\n", module="moderation.services")
    assert upward_imports("from moderation import services\n", module="deals.services")
    assert upward_imports("def f():\n    import disputes\n", module="moderation.services")


def test_the_circle_finder_finds_a_circle_across_apps_and_only_across(tmp_path):
    files = {
        "inbox/__init__.py": "",
        "inbox/selectors.py": "def f():\n    from moderation import notices\n",
        "moderation/__init__.py": "",
        "moderation/notices.py": "from inbox.selectors import f\n",
        "core/__init__.py": "",
        "core/a.py": "from core import b\n",
        "core/b.py": "def g():\n    from core import a\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path)
    assert sorted(strongly_connected(graph)) == [
        ["core.a", "core.b"],
        ["inbox.selectors", "moderation.notices"],
    ]
    assert cross_package_circles(graph) == [["inbox.selectors", "moderation.notices"]]
