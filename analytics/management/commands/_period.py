"""The period and owner options shared by the analytics commands (SPEC §5)."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from analytics.periods import Period

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def add_period_arguments(parser) -> None:
    parser.add_argument("--start", required=True,
                        help=_("first day of the period, YYYY-MM-DD (included)"))
    parser.add_argument("--end", required=True,
                        help=_("last day of the period, YYYY-MM-DD (included)"))
    parser.add_argument("--owner", metavar="USERNAME",
                        help=_("only the customers this user owns (default: all customers)"))


def parse_day(value: str, option: str) -> dt.date:
    try:
        if not _ISO_DAY.match(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(option)s must be a date written YYYY-MM-DD, not “%(value)s”.")
            % {"option": option, "value": value}
        ) from None


def period_and_owner(options: dict):
    """The Period and owner (a User or None) the options name; CommandError when they are
    not valid dates, start is after end, or no user has that username."""
    start = parse_day(options["start"], "--start")
    end = parse_day(options["end"], "--end")
    if start > end:
        raise CommandError(_("The start date %(start)s is after the end date %(end)s.")
                           % {"start": start, "end": end})
    owner = None
    if options.get("owner"):
        try:
            owner = get_user_model().objects.get(username=options["owner"])
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user has the username “%(username)s”.")
                               % {"username": options["owner"]}) from None
    return Period(start, end), owner
