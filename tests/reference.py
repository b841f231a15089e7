"""Reference data that migrations seed (categories, unit kinds, official roles, threshold rules). A transactional
test flushes the database afterwards, taking that data with it; tests that need it after such a
flush call ``reference_data_ensure`` (the same seed functions, on the live app registry)."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

SEEDS = [
    "ombud.intake.migrations.0002_seed_categories",
    "ombud.org.migrations.0002_seed_kinds",
    "ombud.risk.migrations.0003_seed_rules",
]


def reference_data_ensure() -> None:
    for module in SEEDS:
        import_module(module).seed(apps, None)
