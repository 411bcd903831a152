"""What `import_customers` and `import_purchases` share: options, problem lines, summary."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from customers.imports import ImportReport, Problem, import_file


def problem_line(problem: Problem) -> str:
    value = f" “{problem.value}”" if problem.value else ""
    return _("line %(line)s, %(column)s%(value)s: %(message)s") % {
        "line": problem.line, "column": problem.column, "value": value,
        "message": problem.message,
    }


def summary(report: ImportReport) -> str:
    return _(
        "%(total)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
        "%(invalid)d invalid, %(skipped)d skipped as possible duplicates."
    ) % {
        "total": report.total, "created": report.created, "updated": report.updated,
        "unchanged": report.unchanged, "invalid": report.invalid,
        "skipped": report.skipped_duplicates,
    }


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("a .csv (UTF-8 or GBK) or .xlsx file"))
        parser.add_argument(
            "--skip-invalid", action="store_true",
            help=_("write the valid rows and report the others (default: any bad row stops "
                   "the whole import)"),
        )
        parser.add_argument("--dry-run", action="store_true",
                            help=_("validate only; write nothing"))

    def handle(self, *args, path, skip_invalid, dry_run, **options):
        report = import_file(
            path, self.kind, skip_invalid=skip_invalid, dry_run=dry_run,
            on_problem=lambda problem: self.stderr.write(problem_line(problem)),
        )
        if report.file_error:
            raise CommandError(report.file_error)
        for column in report.ignored_columns:
            self.stderr.write(_("Ignored column “%(column)s” (not a known column).")
                              % {"column": column})
        for notice in report.notices:
            self.stdout.write(problem_line(notice))
        if report.skipped_duplicates > len(report.notices):
            self.stdout.write(_("… and %(count)d more possible duplicates.")
                              % {"count": report.skipped_duplicates - len(report.notices)})
        if report.invalid and not skip_invalid:
            raise CommandError(
                _("%(invalid)d of %(total)d rows are invalid; nothing was written. Fix them, "
                  "or use --skip-invalid to import the valid rows.")
                % {"invalid": report.invalid, "total": report.total}
            )
        if dry_run:
            self.stdout.write(_("Dry run: %(total)d rows checked, %(invalid)d invalid; nothing "
                                "was written.") % {"total": report.total,
                                                   "invalid": report.invalid})
            return
        self.stdout.write(self.style.SUCCESS(summary(report)))
