"""Customer and purchase imports (SPEC §5): `import_file` and its report."""

from customers.imports.run import ImportReport, Problem, import_file

__all__ = ["ImportReport", "Problem", "import_file"]
