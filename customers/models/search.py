"""The vocabulary of customer search and duplicate detection: how a typed term is read
(`search_kind`) and the SQL expressions the search and duplicate indexes hold."""

from __future__ import annotations

import re

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Cast, Collate, Concat, Lower, Reverse

from customers.normalization import digits_only

# Below this length a contains-search cannot use a trigram index, so a prefix search runs instead.
_TRIGRAM_MIN_LENGTH = 3
# Fewer digits than this are not a phone search (too many numbers hold them).
PHONE_MIN_DIGITS = 3
# The trunk 0, a two- or three-digit area code and at least the start of the local number.
NATIONAL_MIN_DIGITS = 6
_PHONE_FRAGMENT = re.compile(r"^[\d\s()+\-.]+$")


# Duplicate detection by name ("very similar names in the same city"): lower-case, trailing
# company forms dropped (Co., Ltd., Inc., 有限公司, 公司, …), then every space and punctuation
# mark removed, so "Acme Co., Ltd." and "ACME ltd" both become "acme" and "王 芳" is "王芳".
# Plain SQL functions, so an index can hold it (the server may lack pg_trgm).
_NAME_NOISE = "[[:space:][:punct:]（）【】《》「」『』〔〕，。、；：！？·・\u3000]"
_COMPANY_FORMS = (
    r"(\m(co|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|company)\M"
    "|股份有限公司|有限责任公司|有限公司|集团|公司)"
)


def similar_name_key() -> Func:
    """The city, a slash and the simplified name: customers sharing it are listed as
    possible duplicates (the simplified name holds no punctuation, so the key is unambiguous)."""
    simplified = Func(
        Func(Lower("name"), Value(f"({_NAME_NOISE}*{_COMPANY_FORMS})+{_NAME_NOISE}*$"),
             Value(""), function="regexp_replace", output_field=models.TextField()),
        Value(f"{_NAME_NOISE}+"), Value(""), Value("g"),
        function="regexp_replace", output_field=models.TextField(),
    )
    return Concat("city", Value("/"), simplified, output_field=models.TextField())


def email_local_part_reversed() -> Collate:
    """The part of the normalized e-mail before the @, reversed, in byte order (collation C).

    A search for `zhang336@` means a local part ending in `zhang336`: a prefix of this key,
    which a btree index answers at once. The trigram index cannot narrow such a term well:
    its trigrams (`zha`, `han`, `ang`…) are common to a large share of addresses.
    """
    local = Func(F("email_normalized"), Value("@"), Value(1), function="split_part",
                 output_field=models.TextField())
    return Collate(Reverse(local), "C")


# A phone fragment this long or longer is looked up by its runs of digits of this length.
# The SQL function of migration 0018 writes it out (4) and its index holds what that gave:
# to change it, a new migration must replace the function and rebuild the index.
PHONE_RUN_DIGITS = 4
# The SQL function (migration 0018) giving the distinct runs of a normalized phone number.
PHONE_RUNS_FUNCTION = "customers_phone_digit_runs"


def phone_digit_runs() -> Func:
    """The distinct runs of PHONE_RUN_DIGITS digits in the normalized phone, as an array,
    which a GIN index holds (migration 0018).

    A fragment appears in a number only if each of its runs does, so the index narrows a
    search for four digits or more to the numbers holding them all (a check of the whole
    fragment follows). The trigram index answers the same search by intersecting the
    numbers holding each of its three-digit runs: long lists among a million numbers, as
    each of only a thousand such runs appears in about one number in a hundred."""
    return Func(Cast("phone_normalized", models.TextField()), function=PHONE_RUNS_FUNCTION,
                output_field=ArrayField(models.TextField()))


def digit_runs(digits: str) -> list[str]:
    """The distinct runs of PHONE_RUN_DIGITS digits in `digits`, as `phone_digit_runs`
    gives them for a number."""
    return sorted({digits[i:i + PHONE_RUN_DIGITS]
                   for i in range(len(digits) - PHONE_RUN_DIGITS + 1)})


def search_kind(term: str) -> str:
    """How `CustomerQuerySet.search` reads a (stripped) term: "none" (blank), "email_local"
    (an @ after a local-part fragment: an index range), "email" (other terms with an @),
    "phone" (digits), "prefix" (one or two characters) or "contains" (names, companies and
    e-mails containing it). "email", "phone" and "contains" scan trigram indexes."""
    if not term:
        return "none"
    if "@" in term:
        local, _, domain = term.partition("@")
        return "email_local" if local and "@" not in domain else "email"
    if _PHONE_FRAGMENT.match(term) and len(digits_only(term)) >= PHONE_MIN_DIGITS:
        return "phone"
    if len(term) < _TRIGRAM_MIN_LENGTH:
        return "prefix"
    return "contains"


TRIGRAM_SEARCHES = frozenset({"email", "phone", "contains"})
