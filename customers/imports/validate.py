"""Column-wise validation of one chunk of an import file.

Each rule runs on a whole column at once (pandas string operations), which is what lets an
import keep pace with PostgreSQL's COPY; only values outside the common shapes (a phone that
is not a mainland mobile number, an unusual e-mail address) fall back to per-value checks.
The result is the chunk's rows as they will be staged, plus one problem per bad cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from customers.models import MAX_PURCHASE_AMOUNT, Customer, Purchase, Product, Tag
from customers.normalization import check_phone

PROBLEM_COLUMNS = ["line", "column", "value", "message"]

_EXTRA_CHOICES = {
    "kind": {"person": ["个人", "individual", "p", "私人"], "company": ["公司", "企业", "单位", "organization", "c"]},
    "gender": {"male": ["男", "m"], "female": ["女", "f"]},
    "status": {
        "potential": ["潜在", "潜在客户", "lead", "prospect"],
        "active": ["成交", "成交客户", "活跃", "customer"],
        "churned": ["流失", "已流失", "lost"],
    },
    "level": {},
    "source": {},
}
CHOICE_DEFAULTS = {"kind": "person", "gender": "", "level": "C", "status": "potential", "source": ""}
_CHOICE_ENUMS = {
    "kind": Customer.Kind, "gender": Customer.Gender, "level": Customer.Level,
    "status": Customer.Status, "source": Customer.Source,
}


def _choice_aliases(column: str) -> dict[str, str]:
    """Every accepted spelling (code, English and Chinese label, synonyms) → the stored code."""
    aliases: dict[str, str] = {}
    for value, label in _CHOICE_ENUMS[column].choices:
        names = [value, *_EXTRA_CHOICES[column].get(value, [])]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                text = str(label)
            names += [text, text.split("·")[0]]
        for name in names:
            aliases.setdefault(name.strip().lower(), value)
    return aliases


def max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


@dataclass
class Problems:
    """Problems found in one chunk, as a frame of (line, column, value, message)."""

    frames: list[pd.DataFrame] = field(default_factory=list)

    def add(self, df: pd.DataFrame, mask: pd.Series, column: str, message) -> None:
        """Record `message` (a string, or a Series aligned with `df`) for the rows in `mask`."""
        if not mask.any():
            return
        rows = df.loc[mask]
        values = rows[column] if column in rows else ""
        text = message.loc[mask] if isinstance(message, pd.Series) else str(message)
        self.frames.append(pd.DataFrame(
            {"line": rows["line"], "column": column, "value": values, "message": text}
        ))

    def frame(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame(columns=PROBLEM_COLUMNS)
        return pd.concat(self.frames, ignore_index=True)[PROBLEM_COLUMNS]

    def bad_lines(self) -> set[int]:
        return set(self.frame()["line"].tolist())


def cells(frame: pd.DataFrame, positions: dict[str, int]) -> pd.DataFrame:
    """The file's columns by field name, trimmed, with the line numbers."""
    df = pd.DataFrame({"line": frame["line"].to_numpy()})
    for column, position in positions.items():
        text = frame[position].astype(str).str.strip()
        # Exports prefix cells that a spreadsheet would run as a formula with an apostrophe
        # (customers.exports); it is taken off again here, so an export re-imports as it was.
        quoted = text.str.startswith("'")
        if quoted.any():
            text[quoted] = text[quoted].str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True)
        df[column] = text.to_numpy()
    return df


def check_lengths(df, problems: Problems, model, columns) -> None:
    for column in columns:
        if column not in df:
            continue
        limit = max_length(model, column)
        too_long = df[column].str.len() > limit
        problems.add(df, too_long, column,
                     _("Too long: at most %(limit)d characters.") % {"limit": limit})


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(dates as datetime64, mask of non-empty values that are not a date).

    Accepts 2024-03-31, 2024/3/31, 2024.03.31, 20240331, 2024年3月31日, and any of these
    followed by a time."""
    text = values.copy()
    unusual = ~values.str.fullmatch(r"\d{4}-\d{2}-\d{2}") & (values != "")
    if unusual.any():  # the common ISO shape skips the rewriting below
        other = values[unusual].str.replace(r"[年月/.]", "-", regex=True).str.replace("日", "")
        other = other.str.split(r"[ T]", n=1, regex=True).str[0].fillna("")
        compact = other.str.fullmatch(r"\d{8}")
        other = other.where(~compact, other.str[:4] + "-" + other.str[4:6] + "-" + other.str[6:8])
        text[unusual] = other
    shaped = text.str.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}")
    parsed = pd.to_datetime(text.where(shaped, None), format="%Y-%m-%d", errors="coerce")
    invalid = (values != "") & parsed.isna()
    return parsed, invalid


def check_dates(df, problems: Problems, columns, *, today: dt.date, past_only=()) -> dict:
    parsed = {}
    for column in columns:
        if column not in df:
            continue
        dates, invalid = parse_dates(df[column])
        problems.add(df, invalid, column,
                     _("Not a date: write it as YYYY-MM-DD, e.g. 2024-03-31."))
        if column in past_only:
            future = dates > pd.Timestamp(today)
            problems.add(df, future, column, _("This date is in the future."))
        too_old = dates < pd.Timestamp("1900-01-01")
        problems.add(df, too_old, column, _("This date is before 1900."))
        parsed[column] = dates
    return parsed


def iso(dates: pd.Series) -> pd.Series:
    """ISO dates, with empty text for missing ones (NULL in COPY)."""
    return dates.dt.strftime("%Y-%m-%d").fillna("")


_MOBILE = re.compile(r"^(?:\+86|0086)?(1[3-9]\d{9})$")
_EMAIL = (
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def normalize_phones(df, problems: Problems) -> pd.Series:
    """Normalized phones (see `customers.normalization`); mainland mobiles take a fast path."""
    raw = df["phone"]
    compact = raw.str.replace(r"[\s\-().]", "", regex=True)
    mobile = compact.str.extract(_MOBILE.pattern, expand=False)
    normalized = ("86" + mobile).fillna("")
    other = (raw != "") & mobile.isna()
    if other.any():
        checked = raw[other].map(check_phone)
        bad = pd.Series(False, index=df.index)
        bad[other] = checked.map(lambda result: result is None).astype(bool)
        problems.add(df, bad, "phone",
                     _("Not a phone number, e.g. 138 0013 8000 or +1 415 555 0100."))
        normalized[other] = checked.fillna("")
    return normalized


def normalize_emails(df, problems: Problems) -> pd.Series:
    raw = df["email"]
    shaped = raw.str.fullmatch(_EMAIL)
    unusual = (raw != "") & ~shaped
    if unusual.any():
        def valid(value: str) -> bool:
            try:
                validate_email(value)
            except ValidationError:
                return False
            return True

        bad = pd.Series(False, index=df.index)
        bad[unusual] = ~raw[unusual].map(valid).astype(bool)
        problems.add(df, bad, "email", _("Not an e-mail address, e.g. name@example.com."))
    return raw.str.lower()


def map_choices(df, problems: Problems, column: str) -> pd.Series:
    aliases = _choice_aliases(column)
    mapped = df[column].str.lower().map(aliases)
    unknown = (df[column] != "") & mapped.isna()
    allowed = ", ".join(value for value, _label in _CHOICE_ENUMS[column].choices)
    problems.add(df, unknown, column, _("Not one of: %(choices)s.") % {"choices": allowed})
    return mapped.fillna(CHOICE_DEFAULTS[column])


@dataclass(frozen=True)
class Context:
    """What validation needs from outside the file, read once per import."""

    today: dt.date
    owners: dict[str, int]  # username → id of the users who may own customers


CUSTOMER_TEXT = ("external_id", "name", "company", "industry", "province", "city", "address")


def validate_customers(frame, positions, context: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows to stage, problems) for one chunk of a customer file."""
    df = cells(frame, positions)
    problems = Problems()
    stage = pd.DataFrame({"line": df["line"]})
    check_lengths(df, problems, Customer, [*CUSTOMER_TEXT, "phone", "email"])
    problems.add(df, df["name"] == "", "name", _("A customer needs a name."))
    for column in CUSTOMER_TEXT:
        if column in df:
            stage[column] = df[column]
    for column in _CHOICE_ENUMS:
        if column in df:
            stage[column] = map_choices(df, problems, column)
    dates = check_dates(df, problems, ["birth_date", "acquired_on", "churned_on"],
                        today=context.today, past_only=("birth_date", "acquired_on", "churned_on"))
    for column, parsed in dates.items():
        stage[column] = iso(parsed)
    if "phone" in df:
        stage["phone"] = df["phone"]
        stage["phone_normalized"] = normalize_phones(df, problems)
    if "email" in df:
        stage["email"] = df["email"]
        stage["email_normalized"] = normalize_emails(df, problems)
    if "owner" in df:
        owner_ids = df["owner"].map(context.owners)
        unknown = (df["owner"] != "") & owner_ids.isna()
        problems.add(df, unknown, "owner",
                     _("No active sales rep or manager has this username."))
        stage["owner_id"] = owner_ids.astype("Int64").astype(str).replace("<NA>", "")
    if "tags" in df:
        stage["tags"] = _tags(df, problems)
    _check_churn(df, stage, problems)
    return stage, problems.frame()


def _tags(df, problems: Problems) -> pd.Series:
    names = df["tags"].str.split(r"\s*[;；]\s*", regex=True)
    exploded = names.explode()
    limit = max_length(Tag, "name")
    too_long = exploded.str.len() > limit
    if too_long.any():
        bad = pd.Series(False, index=df.index)
        bad[exploded[too_long].index.unique()] = True
        problems.add(df, bad, "tags",
                     _("A tag can be at most %(limit)d characters long.") % {"limit": limit})
    return names.map(lambda items: ";".join(dict.fromkeys(i.strip() for i in items if i.strip())))


def _check_churn(df, stage, problems: Problems) -> None:
    if "status" not in stage and "churned_on" not in stage:
        return
    status = stage["status"] if "status" in stage else pd.Series("potential", index=df.index)
    churned_on = stage["churned_on"] if "churned_on" in stage else pd.Series("", index=df.index)
    churned = status == "churned"
    column = "churned_on" if "churned_on" in df else "status"
    problems.add(df, churned & (churned_on == ""), column,
                 _("A churned customer needs a churn date (churned_on)."))
    problems.add(df, ~churned & (churned_on != ""), column,
                 _("Only a churned customer has a churn date; set status to churned or "
                   "leave churned_on empty."))
    if "acquired_on" in stage:
        both = (churned_on != "") & (stage["acquired_on"] != "")
        early = both & (churned_on < stage["acquired_on"])
        problems.add(df, early, column, _("The churn date is before the acquisition date."))


def parse_money(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(amounts in cents as Int64, mask of non-empty values that are not an amount).

    Accepts 1234.5, 1,234.50 and a leading ¥, ￥ or $; at most two decimal places."""
    text = values.str.replace(r"^[¥￥$]\s*", "", regex=True).str.replace(",", "", regex=False)
    parts = text.str.extract(r"^(\d{1,12})(?:\.(\d{1,2}))?$")
    whole = pd.to_numeric(parts[0], errors="coerce")
    fraction = pd.to_numeric(parts[1].fillna("").str.ljust(2, "0").replace("00", "0"),
                             errors="coerce").fillna(0)
    cents = (whole * 100 + fraction).astype("Int64")
    invalid = (values != "") & cents.isna()
    return cents, invalid


def cents_text(cents: pd.Series) -> pd.Series:
    whole, fraction = cents // 100, cents % 100
    text = whole.astype(str) + "." + fraction.astype(str).str.zfill(2)
    return text.where(cents.notna(), "")


def validate_purchases(frame, positions, context: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows to stage, problems) for one chunk of a purchase file."""
    df = cells(frame, positions)
    problems = Problems()
    stage = pd.DataFrame({"line": df["line"]})
    check_lengths(df, problems, Purchase, ["external_id"])
    stage["external_id"] = df["external_id"] if "external_id" in df else ""
    problems.add(df, df["customer_external_id"] == "", "customer_external_id",
                 _("Give the external_id of the customer who bought."))
    stage["customer_external_id"] = df["customer_external_id"]

    if "purchased_on" in df:
        problems.add(df, df["purchased_on"] == "", "purchased_on", _("Give the purchase date."))
        dates = check_dates(df, problems, ["purchased_on"], today=context.today,
                            past_only=("purchased_on",))
        stage["purchased_on"] = iso(dates["purchased_on"])
    else:
        stage["purchased_on"] = context.today.isoformat()

    sku = df["product_sku"] if "product_sku" in df else pd.Series("", index=df.index)
    problems.add(df.assign(product_sku=sku), sku == "", "product_sku",
                 _("Give the product's SKU (product_sku)."))
    too_long = sku.str.len() > max_length(Product, "sku")
    problems.add(df.assign(product_sku=sku), too_long, "product_sku",
                 _("Too long: at most %(limit)d characters.") % {"limit": max_length(Product, "sku")})
    stage["product_sku"] = sku
    if "product_name" in df:
        long_name = df["product_name"].str.len() > max_length(Product, "name")
        problems.add(df, long_name, "product_name", _("Too long: at most %(limit)d characters.")
                     % {"limit": max_length(Product, "name")})
        stage["product_name"] = df["product_name"]
    else:
        stage["product_name"] = ""

    quantity = pd.Series(1, index=df.index, dtype="Int64")
    if "quantity" in df:
        given = df["quantity"].str.fullmatch(r"\d{1,7}")
        quantity = pd.to_numeric(df["quantity"].where(given, None), errors="coerce").astype("Int64")
        quantity = quantity.where(df["quantity"] != "", 1)
        bad = quantity.isna() | (quantity < 1) | (quantity > 1_000_000)
        problems.add(df, bad, "quantity", _("Quantity must be a whole number from 1 to 1,000,000."))
    stage["quantity"] = quantity.astype(str).replace("<NA>", "")

    unit, amount = _money_column(df, problems, "unit_price"), _money_column(df, problems, "amount")
    neither = unit.isna() & amount.isna()
    problems.add(df.assign(unit_price=df.get("unit_price", "")), neither, "unit_price",
                 _("Give unit_price or amount."))
    derived = ((amount * 1.0) / quantity.astype("Float64")).round().astype("Int64")
    unit = unit.fillna(derived)
    product = unit * quantity
    disagree = amount.notna() & unit.notna() & ((product - amount).abs() > 1)
    problems.add(df.assign(amount=df.get("amount", "")), disagree.fillna(False), "amount",
                 _("amount is not quantity × unit_price (within 0.01)."))
    too_big = (product.astype("Float64") / 100 >= float(MAX_PURCHASE_AMOUNT)).fillna(False)
    problems.add(df.assign(amount=df.get("amount", "")), too_big, "amount",
                 _("The amount (quantity × unit price) is too large to record."))
    stage["unit_price"] = cents_text(unit)
    return stage, problems.frame()


def _money_column(df, problems: Problems, column: str) -> pd.Series:
    if column not in df:
        return pd.Series(pd.NA, index=df.index, dtype="Int64")
    cents, invalid = parse_money(df[column])
    problems.add(df, invalid, column,
                 _("Not an amount: write a number with at most two decimals, e.g. 1234.50."))
    return cents
