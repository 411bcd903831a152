"""Who a demo customer is and how to reach them: names, companies, phones, e-mails, addresses.

Each function draws whole columns; a phone's normalized form is built from the same digits as
the number itself, matching `customers.normalization.normalize_phone` without parsing it.
"""

from __future__ import annotations

import numpy as np

from customers.demo_data import vocabulary as v
from customers.demo_data.arrays import column, objects, pick, weights


def _cn_mobile(rng, n):
    prefixes = pick(rng, v.CN_MOBILE_PREFIXES, n)
    digits = prefixes + objects(f"{x:08d}" for x in rng.integers(0, 10**8, n).tolist())
    style = rng.choice(4, n, p=[0.7, 0.15, 0.1, 0.05]).tolist()
    raw = [
        d if s == 0 else
        f"{d[:3]} {d[3:7]} {d[7:]}" if s == 1 else
        f"{d[:3]}-{d[3:7]}-{d[7:]}" if s == 2 else
        f"+86 {d[:3]} {d[3:7]} {d[7:]}"
        for d, s in zip(digits.tolist(), style)
    ]
    return raw, ["86" + d for d in digits.tolist()]


def _cn_landline(rng, n, city):
    area = column(v.CN_CITIES, 2)[city].tolist()
    local = (rng.integers(2, 9, n) * 10**7 + rng.integers(0, 10**7, n)).astype(str).tolist()
    raw = [f"0{a}-{x[:4]} {x[4:]}" for a, x in zip(area, local)]
    return raw, [f"86{a}{x}" for a, x in zip(area, local)]


def _en_phone(rng, n, city):
    cities = [v.EN_CITIES[c] for c in city.tolist()]
    digits = [f"{d}{r:08d}" for d, r in
              zip(rng.integers(2, 10, n).tolist(), rng.integers(0, 10**8, n).tolist())]
    mobile = (rng.random(n) < 0.4).tolist()
    bracket = (rng.random(n) < 0.5).tolist()
    raw, normalized = [], []
    for (_city, _state, cc, area, length, _w), d, is_mobile, is_bracket in zip(
        cities, digits, mobile, bracket
    ):
        if cc == "44" and is_mobile:
            area, local = "7" + d[:3], d[3:]
            raw.append(f"+44 {area} {local}")
        elif cc == "44":
            local = d[:length]
            raw.append(f"+44 {area} {local[:-4]} {local[-4:]}")
        else:
            local = d[:length]
            raw.append(f"+1 ({area}) {local[:3]}-{local[3:]}" if is_bracket
                       else f"+1 {area}-{local[:3]}-{local[3:]}")
        normalized.append(f"{cc}{area}{local}")
    return raw, normalized


def person_names(rng, n, female):
    """Chinese and English person names, with the romanisations e-mail addresses are made of."""
    sur = rng.choice(len(v.SURNAMES), n, p=weights(v.SURNAMES))
    surname, sur_pinyin = column(v.SURNAMES, 0)[sur], column(v.SURNAMES, 1)[sur]

    def given_char():
        i = rng.integers(0, 1 << 30, n)
        char, pinyin = (np.where(female, column(v.GIVEN_FEMALE, k)[i % len(v.GIVEN_FEMALE)],
                                 column(v.GIVEN_MALE, k)[i % len(v.GIVEN_MALE)]) for k in (0, 1))
        return char, pinyin

    c1, p1 = given_char()
    c2, p2 = given_char()
    two = rng.random(n) < 0.6
    cn_given_pinyin = p1 + np.where(two, p2, "")
    cn_name = surname + c1 + np.where(two, c2, "")

    i = rng.integers(0, 1 << 30, n)
    first = np.where(female, objects(v.FIRST_FEMALE)[i % len(v.FIRST_FEMALE)],
                     objects(v.FIRST_MALE)[i % len(v.FIRST_MALE)])
    last = objects(v.LAST_NAMES)[rng.integers(0, len(v.LAST_NAMES), n)]
    return cn_name, sur_pinyin, cn_given_pinyin, first + " " + last, first, last


def companies(rng, n, cn_city):
    """Chinese and English company names, their industry index and e-mail domain."""
    brands = len(v.BRAND_CHARS)
    b1 = rng.integers(0, brands, n)
    b2 = (b1 + rng.integers(1, brands, n)) % brands
    industry = rng.integers(0, len(v.INDUSTRIES), n)
    en_brand = (objects(v.EN_BRAND_HEADS)[rng.integers(0, len(v.EN_BRAND_HEADS), n)]
                + objects(v.EN_BRAND_TAILS)[rng.integers(0, len(v.EN_BRAND_TAILS), n)])
    suffix = objects(v.EN_COMPANY_SUFFIXES)[rng.integers(0, len(v.EN_COMPANY_SUFFIXES), n)]
    char, pinyin = column(v.BRAND_CHARS, 0), column(v.BRAND_CHARS, 1)
    cn = (column(v.CN_CITIES, 0)[cn_city] + char[b1] + char[b2]
          + column(v.INDUSTRIES, 0)[industry] + "有限公司")
    en = en_brand + " " + column(v.INDUSTRIES, 4)[industry] + " " + suffix
    slug = "-" + column(v.INDUSTRIES, 3)[industry] + ".example.com"
    cn_domain = pinyin[b1] + pinyin[b2] + slug
    en_domain = objects(b.lower() for b in en_brand.tolist()) + slug
    return cn, en, industry, cn_domain, en_domain


def addresses(rng, n, located_cn, cn_city):
    """Street addresses: district, road and number in China, house and street elsewhere."""
    number = rng.integers(1, 1000, n).tolist()
    draws = rng.integers(0, 1 << 30, (n, 3)).tolist()
    has_room = (rng.random(n) < 0.4).tolist()
    districts = [c[4].split() for c in v.CN_CITIES]
    out = []
    for cn, city, num, (a, b, c), room in zip(
        located_cn.tolist(), cn_city.tolist(), number, draws, has_room
    ):
        if cn:
            place = districts[city][a % len(districts[city])] + v.CN_ROADS[b % len(v.CN_ROADS)]
            suite = (f"{v.CN_BUILDINGS[c % len(v.CN_BUILDINGS)]}{'ABCD'[c % 4]}座"
                     f"{2 + c % 28}{1 + b % 20:02d}室") if room else ""
            out.append(f"{place}{num}号{suite}")
        else:
            street = v.EN_STREETS[b % len(v.EN_STREETS)]
            out.append(f"{num} {street} {v.EN_STREET_KINDS[c % len(v.EN_STREET_KINDS)]}")
    return out


def emails(rng, n, *, is_company, cn_name, sur_pinyin, given_pinyin, first, last, domain):
    """Lower-case addresses (so already normalized): personal ones from the name, company
    mailboxes at the company's domain; about one in five is left blank."""
    has = rng.random(n) < np.where(is_company, 0.9, 0.8)
    number = rng.integers(1, 10_000, n).tolist()
    style = rng.integers(0, 3, n).tolist()
    personal = objects(v.PERSONAL_EMAIL_DOMAINS)[
        rng.integers(0, len(v.PERSONAL_EMAIL_DOMAINS), n)].tolist()
    mailbox = objects(v.COMPANY_MAILBOXES)[rng.integers(0, len(v.COMPANY_MAILBOXES), n)].tolist()
    out = []
    for row in zip(has.tolist(), is_company.tolist(), cn_name.tolist(), sur_pinyin.tolist(),
                   given_pinyin.tolist(), first.tolist(), last.tolist(), domain.tolist(),
                   number, style, personal, mailbox):
        keep, company, cn, sur, given, fst, lst, dom, num, sty, pdom, box = row
        if not keep:
            out.append("")
        elif company:
            out.append(f"{box}@{dom}")
        else:
            a, b = (sur, given) if cn else (fst.lower(), lst.lower())
            # A number in every address keeps namesakes (many in Chinese) from sharing one.
            local = (f"{a}{b}{num}", f"{b}.{a}{num}", f"{a}_{b}{num}")[sty] if cn else \
                (f"{a}.{b}{num}", f"{a[0]}{b}{num}", f"{a}_{b}{num}")[sty]
            out.append(f"{local}@{pdom}")
    return out


def phones(rng, n, *, located_cn, is_company, cn_city, en_city):
    """Numbers as people type them, with their normalized digits: Chinese mobiles, landlines
    for Chinese companies, +1/+44 numbers abroad; one in twenty is left blank."""
    has = rng.random(n) >= 0.05
    landline = located_cn & is_company & (rng.random(n) < 0.6)
    phone = np.full(n, "", dtype=object)
    normalized = np.full(n, "", dtype=object)
    for mask, make in (
        (has & located_cn & ~landline, lambda m: _cn_mobile(rng, int(m.sum()))),
        (has & landline, lambda m: _cn_landline(rng, int(m.sum()), cn_city[m])),
        (has & ~located_cn, lambda m: _en_phone(rng, int(m.sum()), en_city[m])),
    ):
        phone[mask], normalized[mask] = make(mask)
    return phone.tolist(), normalized.tolist()
