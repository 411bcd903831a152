"""The dependency rules of STYLE.md, enforced: imports by import-linter, relations by walking
the models (import-linter cannot see string foreign keys)."""

import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent

# Lowest first; an app may relate to its own layer or any lower one.
LAYERS = {
    "crm": 0,
    "auth": 0,
    "contenttypes": 0,
    "customers": 1,
    "communications": 2,
    "requirements": 2,
    "service": 2,
    "marketing": 2,
    "analytics": 3,
}
SIBLINGS = {"communications", "requirements", "service", "marketing"}


def test_import_layers_contract_is_kept():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_relation_points_to_the_same_or_a_lower_layer():
    violations = []
    for model in apps.get_models():
        source = model._meta.app_label
        if source not in LAYERS:
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            if target not in LAYERS:
                continue
            upward = LAYERS[target] > LAYERS[source]
            sideways = source != target and source in SIBLINGS and target in SIBLINGS
            if upward or sideways:
                violations.append(f"{model.__name__}.{field.name}: {source} -> {target}")
    assert violations == []


def test_only_settings_reads_the_environment():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if any(part in {".venv", "node_modules", "tests", "bench", "migrations"}
               for part in path.parts) or path.name in {"settings.py", "manage.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        if "os.environ" in text or "os.getenv" in text or "environ.Env" in text:
            offenders.append(str(path.relative_to(ROOT)))
    allowed = {"crm/wsgi.py", "crm/asgi.py", "crm/settings_test.py"}
    assert sorted(set(offenders) - allowed) == []
