"""Vectorised generators of demo customers, their tags and purchases, as COPY text.

Random draws are made with numpy in whole columns (so a million rows take seconds), strings are
assembled per row, and each chunk becomes one block of PostgreSQL COPY text. The draws for a
chunk happen in a fixed order from one `numpy.random.Generator`, so the same seed, customer count
and chunk size always give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np

from customers.demo_data import vocabulary as v
from customers.demo_data.arrays import column, objects, pick, weights
from customers.demo_data.people import addresses, companies, emails, person_names, phones

HISTORY_DAYS = 3 * 365
NULL = r"\N"
_EPOCH = date(1970, 1, 1)
_DAY = 86_400

CUSTOMER_COLUMNS = (
    "id", "kind", "name", "gender", "birth_date", "phone", "phone_normalized", "email",
    "email_normalized", "company", "industry", "province", "city", "address", "source", "level",
    "status", "acquired_on", "churned_on", "owner_id", "marketing_opt_out", "notes",
    "external_id", "version", "created_at", "updated_at",
)
PURCHASE_COLUMNS = (
    "customer_id", "product_id", "purchased_on", "quantity", "unit_price", "channel",
    "external_id", "created_at", "created_by_id",
)
TAG_COLUMNS = ("customer_id", "tag_id")

# Mean extra purchases (beyond the first) of a non-potential customer by level A–D: about three
# purchases per customer overall, more for key accounts.
_EXTRA_PURCHASES = {"A": 5.0, "B": 3.0, "C": 1.7, "D": 1.0}


@dataclass(frozen=True)
class SeedContext:
    """What the generators need from the database and the clock."""

    today: date
    now: datetime
    tz: ZoneInfo
    rep_ids: tuple[int, ...]
    tag_ids: dict[str, int]
    product_ids: tuple[int, ...]
    product_cents: tuple[int, ...]
    product_weights: tuple[float, ...]
    # Multiplies the repeat purchases: 1 gives about 2.3 purchases per customer, 2.8 about 5.
    purchase_factor: float = 1.0
    _offsets: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # UTC offset (seconds) of each local day in the history window, for local → UTC times.
        first = self.today.toordinal() - HISTORY_DAYS
        offsets = [
            datetime.combine(date.fromordinal(first + i), time(12), self.tz).utcoffset()
            .total_seconds()
            for i in range(HISTORY_DAYS + 1)
        ]
        object.__setattr__(self, "_offsets", np.array(offsets, dtype=np.int64))

    @property
    def today_day(self) -> int:
        return (self.today - _EPOCH).days

    def utc_seconds(self, day: np.ndarray, second_of_day: np.ndarray) -> np.ndarray:
        """Epoch seconds of local `day` (days since 1970) at `second_of_day`, capped at now."""
        offset = self._offsets[day - (self.today_day - HISTORY_DAYS)]
        moment = day * _DAY + second_of_day - offset
        return np.minimum(moment, int(self.now.timestamp()))


@dataclass
class Chunk:
    """COPY text for one slice of customers and everything attached to them."""

    customers: str
    tags: str
    purchases: str
    customer_count: int
    tag_count: int
    purchase_count: int


def _dates(day: np.ndarray) -> list[str]:
    return np.datetime_as_string(day.astype("datetime64[D]")).tolist()


def _timestamps(seconds: np.ndarray) -> list[str]:
    return np.datetime_as_string(seconds.astype("datetime64[s]"), timezone="UTC").tolist()


def _nullable(values: list[str], present: np.ndarray) -> list[str]:
    return [value if keep else NULL for value, keep in zip(values, present.tolist())]


def _copy_text(columns: list) -> str:
    if not columns or not len(columns[0]):
        return ""
    return "\n".join(map("\t".join, zip(*columns))) + "\n"


def _tag_probabilities(
    *, level, status, is_company, located_cn, age_days
) -> dict[str, np.ndarray]:
    """Chance of each demo tag per customer, so tags agree with the rest of the record."""
    buyer = status != "potential"
    return {
        "VIP": np.select([level == "A", level == "B"], [0.6, 0.15], 0.01),
        "老客户": np.where(buyer & (age_days > 730), 0.5, 0.02),
        "高潜力": np.where(status == "potential", 0.2, 0.03),
        "wholesale": np.where(is_company, 0.3, 0.02),
        "重点跟进": np.where((level == "A") | (level == "B"), 0.1, 0.03),
        "价格敏感": np.full(len(level), 0.08),
        "新客户": np.where(age_days <= 90, 0.4, 0.0),
        "reseller": np.where(is_company, 0.1, 0.0),
        "海外客户": np.where(located_cn, 0.0, 0.8),
    }


def generate_chunk(
    rng: np.random.Generator,
    ctx: SeedContext,
    *,
    count: int,
    first_id: int,
    first_number: int,
    first_purchase_number: int,
) -> Chunk:
    """Customers `first_id …` numbered `C{first_number:07d} …`, their tags and purchases."""
    n = count
    today = ctx.today_day
    cn_name = rng.random(n) < 0.8
    located_cn = cn_name | (rng.random(n) < 0.2)
    is_company = rng.random(n) < 0.15
    female = rng.random(n) < 0.5
    cn_city = rng.choice(len(v.CN_CITIES), n, p=weights(v.CN_CITIES, at=3))
    en_city = rng.choice(len(v.EN_CITIES), n, p=weights(v.EN_CITIES))

    cn_person, sur_pinyin, given_pinyin, en_person, first, last = person_names(rng, n, female)
    cn_company, en_company, industry, cn_domain, en_domain = companies(rng, n, cn_city)
    company_name = np.where(cn_name, cn_company, en_company)
    employed = is_company | (rng.random(n) < 0.55)
    name = np.where(is_company, company_name, np.where(cn_name, cn_person, en_person))
    company = np.where(employed, company_name, "")
    industry_name = np.where(
        employed,
        np.where(cn_name, column(v.INDUSTRIES, 1)[industry], column(v.INDUSTRIES, 2)[industry]),
        "",
    )
    gender = np.where(is_company | (rng.random(n) < 0.05), "",
                      np.where(female, "female", "male"))
    has_birth = ~is_company & (rng.random(n) < 0.7)
    birth_day = today - 22 * 365 - rng.integers(0, 43 * 365, n)

    phone, phone_normalized = phones(
        rng, n, located_cn=located_cn, is_company=is_company, cn_city=cn_city, en_city=en_city
    )
    email = emails(
        rng, n, is_company=is_company, cn_name=cn_name, sur_pinyin=sur_pinyin,
        given_pinyin=given_pinyin, first=first, last=last,
        domain=np.where(cn_name, cn_domain, en_domain),
    )
    province = np.where(located_cn, column(v.CN_CITIES, 1)[cn_city],
                        column(v.EN_CITIES, 1)[en_city])
    city = np.where(located_cn, column(v.CN_CITIES, 0)[cn_city],
                    column(v.EN_CITIES, 0)[en_city])
    address = np.where(rng.random(n) < 0.8, objects(addresses(rng, n, located_cn, cn_city)), "")

    source = pick(rng, v.SOURCES, n)
    level = pick(rng, v.LEVELS, n)
    status = pick(rng, v.STATUSES, n)
    # Half uniform over the history, half weighted towards recent months: a growing business.
    u = rng.random(n)
    ago = np.where(rng.random(n) < 0.5, HISTORY_DAYS * u, HISTORY_DAYS * (1 - np.sqrt(u)))
    acquired = today - np.floor(ago).astype(np.int64)
    churned = status == "churned"
    # Customers tend to churn some while after they were won, never before.
    churn_day = acquired + np.floor(
        (today - acquired + 1) * (0.3 + 0.7 * rng.random(n))).astype(np.int64)
    # A churned customer's last purchase is before the churn date (unless won and lost that day).
    end_day = np.where(churned, np.maximum(acquired, churn_day - 1), today)

    reps = np.array(ctx.rep_ids, dtype=np.int64)
    unassigned = (rng.random(n) < np.where(status == "potential", 0.15, 0.03)) | (len(reps) == 0)
    owner = reps[rng.integers(0, max(len(reps), 1), n)] if len(reps) else np.zeros(n, np.int64)
    opt_out = rng.random(n) < 0.04
    note = rng.integers(0, 1 << 30, n)
    notes = np.where(
        rng.random(n) < 0.08,
        np.where(cn_name, objects(v.NOTES_CN)[note % len(v.NOTES_CN)],
                 objects(v.NOTES_EN)[note % len(v.NOTES_EN)]),
        "",
    )
    created = ctx.utc_seconds(acquired, rng.integers(8 * 3600 + 1800, 19 * 3600 + 1800, n))
    touched = rng.random(n) < 0.6
    touch_day = acquired + np.floor((today - acquired + 1) * rng.random(n)).astype(np.int64)
    updated_day = np.where(churned, churn_day, np.where(touched, touch_day, acquired))
    updated = np.maximum(
        created, ctx.utc_seconds(updated_day, rng.integers(8 * 3600, 20 * 3600, n))
    )

    ids = np.arange(first_id, first_id + n, dtype=np.int64)
    customers = _copy_text([
        ids.astype(str).tolist(),
        np.where(is_company, "company", "person").tolist(),
        name.tolist(), gender.tolist(),
        _nullable(_dates(birth_day), has_birth),
        phone, phone_normalized, email, email,
        company.tolist(), industry_name.tolist(), province.tolist(), city.tolist(),
        address.tolist(), source.tolist(), level.tolist(), status.tolist(),
        _dates(acquired),
        _nullable(_dates(churn_day), churned),
        _nullable(owner.astype(str).tolist(), ~unassigned),
        np.where(opt_out, "t", "f").tolist(),
        notes.tolist(),
        [f"C{k:07d}" for k in range(first_number, first_number + n)],
        ["1"] * n,
        _timestamps(created), _timestamps(updated),
    ])

    tag_probability = _tag_probabilities(
        level=level, status=status, is_company=is_company, located_cn=located_cn,
        age_days=today - acquired,
    )
    tag_names = [t for t in tag_probability if t in ctx.tag_ids]
    chance = np.stack([tag_probability[t] for t in tag_names], axis=1)
    who, which = np.nonzero(rng.random(chance.shape) < chance)
    tag_ids = np.array([ctx.tag_ids[t] for t in tag_names], dtype=np.int64)
    tags = _copy_text([ids[who].astype(str).tolist(), tag_ids[which].astype(str).tolist()])

    purchases, purchase_count = _purchases(
        rng, ctx, ids=ids, status=status, level=level, acquired=acquired, end_day=end_day,
        owner=np.where(unassigned, 0, owner), first_number=first_purchase_number,
    )
    return Chunk(customers, tags, purchases, n, len(who), purchase_count)


def _purchases(rng, ctx, *, ids, status, level, acquired, end_day, owner, first_number):
    """Purchase lines of non-potential customers, dated between acquisition and churn/today.

    Potential customers buy nothing: a purchase makes a potential customer active.
    """
    extra = np.select([level == k for k in _EXTRA_PURCHASES], list(_EXTRA_PURCHASES.values()))
    extra = extra * ctx.purchase_factor
    per_customer = np.where(status == "potential", 0, 1 + rng.poisson(extra))
    who = np.repeat(np.arange(len(ids)), per_customer)
    m = len(who)
    start = acquired[who]
    day = start + np.floor((end_day[who] - start + 1) * rng.random(m)).astype(np.int64)
    popularity = np.array(ctx.product_weights, dtype=float)
    product = rng.choice(len(popularity), m, p=popularity / popularity.sum())
    quantity = rng.choice(np.arange(1, 6), m, p=[0.5, 0.22, 0.13, 0.09, 0.06])
    discount = rng.choice([100, 95, 90, 85, 80], m, p=[0.55, 0.15, 0.15, 0.1, 0.05])
    cents = np.array(ctx.product_cents, dtype=np.int64)[product] * discount // 100
    channel = pick(rng, v.PURCHASE_CHANNELS, m)
    with_external_id = (rng.random(m) < 0.4).tolist()
    created = ctx.utc_seconds(day, rng.integers(9 * 3600, 21 * 3600, m))
    # Online orders are placed by the customer; the other channels are recorded by the owner.
    recorder = np.where(channel == "online", 0, owner[who])
    text = _copy_text([
        ids[who].astype(str).tolist(),
        np.array(ctx.product_ids, dtype=np.int64)[product].astype(str).tolist(),
        _dates(day),
        quantity.astype(str).tolist(),
        [f"{c // 100}.{c % 100:02d}" for c in cents.tolist()],
        channel.tolist(),
        [f"P{first_number + k:08d}" if keep else "" for k, keep in enumerate(with_external_id)],
        _timestamps(created),
        _nullable(recorder.astype(str).tolist(), recorder > 0),
    ])
    return text, m
