"""The import benchmark's files: customers and purchases as a CRM export would give them.

Deterministic (numpy's PCG64 with a fixed seed): the same sizes and seed give byte-identical
files, so runs on different days import the same rows. Written with pandas in chunks of
`_WRITE_ROWS` rows; nothing here holds the whole million-row file as text.

Every row is valid and unique where it must be (external ids, phones, e-mail addresses), so a
run measures the import path that writes every row, not the one that rejects the file. Values
use the canonical codes (levels A-D, `potential`/`active`/`churned`, ISO dates), the phones
come in the spellings people type (`13812345678`, `138 1234 5678`, `+86 138-1234-5678`), and
e-mails in mixed case, so validation and normalisation do real work.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

GENERATOR_VERSION = 2
_WRITE_ROWS = 100_000

CUSTOMER_COLUMNS = [
    "external_id", "name", "kind", "gender", "birth_date", "phone", "email", "company",
    "industry", "province", "city", "address", "source", "level", "status", "acquired_on",
    "churned_on", "owner", "tags",
]
PURCHASE_COLUMNS = [
    "external_id", "customer_external_id", "purchased_on", "product_sku", "product_name",
    "quantity", "unit_price", "amount",
]

# The users the file's `owner` column names; the bench creates them in the scratch database.
OWNERS = [("bench_sales1", "sales"), ("bench_sales2", "sales"), ("bench_sales3", "sales"),
          ("bench_sales4", "sales"), ("bench_sales5", "sales"), ("bench_manager", "manager")]

_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于"
                 "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹"
                 "薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤") + ["欧阳", "司马", "诸葛", "上官"]
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红鹏辉建国文斌宇浩凯秀梅琳雪婷晨"
              "欣怡子涵梓轩一诺思远博文俊杰嘉欣雨萱佳豪晓东志刚海燕春燕丹慧颖倩瑶琪")
_PINYIN = ["wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
           "ma", "zhu", "hu", "guo", "he", "gao", "lin", "luo", "zheng", "liang", "xie", "song",
           "tang", "han", "feng", "deng", "cao", "peng", "wei", "jing", "fang", "hui", "ming",
           "xiaoyu", "haoran", "yuting", "jiahao", "zixuan"]
_FIRST = ["James", "Mary", "John", "Linda", "Robert", "Emma", "David", "Olivia", "Michael",
          "Sophia", "William", "Grace", "Daniel", "Chloe", "Thomas", "Lucy", "Kevin", "Amy",
          "Peter", "Helen", "Mark", "Anna", "Paul", "Sarah"]
_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Moore", "Anderson",
         "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Garcia", "Clark",
         "Lewis", "Walker", "Young", "King", "Wright", "Scott", "Green", "Baker"]
_PLACES = [("北京", "北京"), ("上海", "上海"), ("天津", "天津"), ("重庆", "重庆"), ("广东", "广州"),
           ("广东", "深圳"), ("广东", "东莞"), ("浙江", "杭州"), ("浙江", "宁波"), ("江苏", "南京"),
           ("江苏", "苏州"), ("四川", "成都"), ("湖北", "武汉"), ("陕西", "西安"), ("山东", "青岛"),
           ("山东", "济南"), ("福建", "厦门"), ("湖南", "长沙"), ("河南", "郑州"), ("辽宁", "大连")]
_PLACE_WEIGHTS = np.array([12, 14, 3, 3, 8, 9, 2, 7, 3, 5, 4, 5, 4, 3, 2, 2, 2, 2, 2, 2], float)
# Two districts of each city in _PLACES, in the same order.
_DISTRICTS = [("朝阳区", "海淀区"), ("浦东新区", "徐汇区"), ("和平区", "南开区"), ("渝中区", "江北区"),
              ("天河区", "越秀区"), ("南山区", "福田区"), ("南城街道", "东城街道"), ("西湖区", "滨江区"),
              ("鄞州区", "海曙区"), ("鼓楼区", "玄武区"), ("姑苏区", "工业园区"), ("武侯区", "锦江区"),
              ("江汉区", "洪山区"), ("雁塔区", "碑林区"), ("市南区", "崂山区"), ("历下区", "槐荫区"),
              ("思明区", "湖里区"), ("岳麓区", "芙蓉区"), ("金水区", "二七区"), ("中山区", "沙河口区")]
_ROADS = ["人民路", "中山路", "解放路", "建设路", "和平路", "长江路", "新华路", "科技园路",
          "文化路", "滨江大道", "世纪大道", "学院路"]
_INDUSTRIES = ["制造业", "互联网", "零售", "教育", "医疗", "金融", "物流", "餐饮", "房地产",
               "Software", "Consulting", "Logistics"]
_COMPANY_WORDS = ["恒信", "华泰", "金桥", "新锐", "博远", "宏达", "天成", "瑞丰", "东方", "嘉禾",
                  "中科", "明德", "万通", "远景", "星辰", "安信"]
_COMPANY_KINDS = ["科技", "贸易", "电子", "物流", "咨询", "餐饮管理", "医疗器械", "教育科技"]
_SOURCES = ["website", "referral", "exhibition", "advertising", "cold_call", "social_media",
            "partner", "walk_in", "other"]
_TAGS = ["VIP", "老客户", "大客户", "重点跟进", "华东", "华南", "线上", "线下", "newsletter", "B2B",
         "续约", "高潜力", "价格敏感", "已回访", "投诉过", "推荐人", "展会", "合作伙伴", "企业采购",
         "学生", "教育行业", "医疗", "制造业", "待激活"]
_DOMAINS = ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com", "foxmail.com",
            "example.cn"]
_MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                    "152", "155", "156", "157", "158", "159", "176", "177", "180", "181", "182",
                    "185", "186", "187", "188", "189", "198", "199"]
_PRODUCT_ADJ = ["智能", "便携", "专业", "家用", "无线", "高清", "节能", "旗舰", "Pro", "Lite"]
_PRODUCT_NOUN = ["扫地机器人", "空气净化器", "蓝牙耳机", "投影仪", "电热水壶", "咖啡机", "办公椅",
                 "显示器", "路由器", "打印机", "净水器", "电动牙刷", "保温杯", "行车记录仪",
                 "Keyboard", "Webcam", "Tablet", "Smart Watch", "Power Bank", "Desk Lamp"]

_START = dt.date(2016, 1, 1)
_END = dt.date(2025, 12, 31)  # every date is in the past, whenever the bench runs


def _days(values: np.ndarray) -> pd.Series:
    """Days since _START → ISO dates."""
    dates = pd.Timestamp(_START) + pd.to_timedelta(values, unit="D")
    return pd.Series(dates.strftime("%Y-%m-%d"))


def _pick(rng: np.random.Generator, items: list[str], n: int, p=None) -> np.ndarray:
    if p is not None:
        p = np.asarray(p, float) / np.sum(p)
    return np.asarray(items, dtype=object)[rng.choice(len(items), size=n, p=p)]


def _blank(rng: np.random.Generator, values, filled: float) -> np.ndarray:
    values = np.asarray(values, dtype=object)
    return np.where(rng.random(len(values)) < filled, values, "")


def _cents(values) -> pd.Series:
    values = pd.Series(values, dtype="int64")
    return (values // 100).astype(str) + "." + (values % 100).astype(str).str.zfill(2)


def customers_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, 1])
    idx = np.arange(1, n + 1)
    is_company = rng.random(n) < 0.15
    english = ~is_company & (rng.random(n) < 0.12)

    surname = _pick(rng, _SURNAMES, n)
    given = _pick(rng, _GIVEN, n) + np.where(rng.random(n) < 0.7, _pick(rng, _GIVEN, n), "")
    chinese_name = surname + given
    english_name = _pick(rng, _FIRST, n) + " " + _pick(rng, _LAST, n)
    places = rng.choice(len(_PLACES), size=n, p=_PLACE_WEIGHTS / _PLACE_WEIGHTS.sum())
    city = np.array([c for _, c in _PLACES], dtype=object)[places]
    province = np.array([p for p, _ in _PLACES], dtype=object)[places]
    company_name = (city + _pick(rng, _COMPANY_WORDS, n) + _pick(rng, _COMPANY_KINDS, n)
                    + "有限公司")
    name = np.where(is_company, company_name, np.where(english, english_name, chinese_name))

    gender = np.where(is_company, "", _blank(rng, _pick(rng, ["male", "female"], n), 0.85))
    birth = _days(rng.integers(-22_000, -4_000, n))  # 1955 … 2005
    birth_date = np.where(is_company, "", _blank(rng, birth, 0.6))

    # Unique phones: a mobile prefix and eight digits drawn without replacement.
    tails = rng.choice(10**8, size=n, replace=False)
    eight = pd.Series(tails).astype(str).str.zfill(8).to_numpy(object)
    digits = _pick(rng, _MOBILE_PREFIXES, n) + eight
    spelling = rng.random(n)
    spaced = pd.Series(digits).str.replace(r"^(\d{3})(\d{4})(\d{4})$", r"\1 \2 \3", regex=True)
    plus = "+86 " + pd.Series(digits).str.replace(r"^(\d{3})(\d{4})(\d{4})$", r"\1-\2-\3",
                                                  regex=True)
    phone = np.where(spelling < 0.7, digits, np.where(spelling < 0.85, spaced, plus))
    phone = _blank(rng, phone, 0.93)

    # Unique e-mails: the row number makes the local part unique; some in capitals.
    handle = np.where(english, pd.Series(english_name).str.replace(" ", ".").str.lower(),
                      _pick(rng, _PINYIN, n))
    email = handle + pd.Series(idx).astype(str).to_numpy(object) + "@" + _pick(rng, _DOMAINS, n)
    upper = rng.random(n) < 0.1
    email = np.where(upper, pd.Series(email).str.title().to_numpy(object), email)
    email = _blank(rng, email, 0.75)

    company = np.where(is_company, company_name, _blank(rng, company_name, 0.35))
    industry = _blank(rng, _pick(rng, _INDUSTRIES, n), 0.6)
    filled_place = rng.random(n) < 0.92
    province = np.where(filled_place, province, "")
    city = np.where(filled_place, city, "")
    district = np.array([d for pair in _DISTRICTS for d in pair], dtype=object)[
        places * 2 + rng.integers(0, 2, n)]
    address = (district + _pick(rng, _ROADS, n)
               + pd.Series(rng.integers(1, 999, n)).astype(str).to_numpy(object) + "号")
    address = np.where(filled_place, _blank(rng, address, 0.55), "")
    source = _blank(rng, _pick(rng, _SOURCES, n, p=[25, 20, 10, 10, 8, 12, 8, 4, 3]), 0.8)
    level = _pick(rng, ["A", "B", "C", "D"], n, p=[8, 22, 50, 20])
    status = _pick(rng, ["potential", "active", "churned"], n, p=[30, 55, 15])
    span = (_END - _START).days
    acquired = rng.integers(0, span - 30, n)
    churned = np.minimum(acquired + rng.integers(30, 900, n), span)
    acquired_on = _days(acquired)
    churned_on = np.where(status == "churned", _days(churned), "")
    owner = _blank(rng, _pick(rng, [u for u, _ in OWNERS], n, p=[20, 20, 20, 15, 15, 10]), 0.92)

    counts = rng.choice(4, size=n, p=[0.45, 0.30, 0.18, 0.07])
    tag_rng = rng.permuted(np.tile(np.arange(len(_TAGS)), (n, 1)), axis=1)[:, :3]
    tags = np.array([";".join(_TAGS[t] for t in row[:k]) for row, k in zip(tag_rng, counts)],
                    dtype=object)

    return pd.DataFrame({
        "external_id": "C" + pd.Series(idx).astype(str).str.zfill(7),
        "name": name, "kind": np.where(is_company, "company", "person"), "gender": gender,
        "birth_date": birth_date, "phone": phone, "email": email, "company": company,
        "industry": industry, "province": province, "city": city, "address": address,
        "source": source, "level": level, "status": status, "acquired_on": acquired_on,
        "churned_on": churned_on, "owner": owner, "tags": tags,
    })[CUSTOMER_COLUMNS]


def products(count: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng([seed, 2])
    skus = [f"SKU-{i:04d}" for i in range(1, count + 1)]
    adjectives, nouns = len(_PRODUCT_ADJ), len(_PRODUCT_NOUN)
    names = [f"{_PRODUCT_ADJ[i % adjectives]}{_PRODUCT_NOUN[(i // adjectives) % nouns]} "
             f"{chr(65 + i % 26)}{i % 9 + 1}" for i in range(count)]
    price_cents = np.round(np.exp(rng.uniform(np.log(990), np.log(599_900), count)), -1)
    return pd.DataFrame({"sku": skus, "name": names, "price_cents": price_cents.astype("int64")})


def purchase_chunks(n: int, customers: int, product_count: int, seed: int, chunk: int):
    """Purchases in chunks: a few customers buy often (log-normal weights), most rarely."""
    rng = np.random.default_rng([seed, 3])
    catalogue = products(product_count, seed)
    weights = rng.lognormal(0, 1.2, customers)
    weights /= weights.sum()
    popularity = rng.lognormal(0, 1.0, product_count)
    popularity /= popularity.sum()
    span = (_END - dt.date(2018, 1, 1)).days
    offset = (dt.date(2018, 1, 1) - _START).days
    done = 0
    while done < n:
        size = min(chunk, n - done)
        customer = rng.choice(customers, size=size, p=weights) + 1
        product = rng.choice(product_count, size=size, p=popularity)
        quantity = rng.choice(np.arange(1, 11), size=size,
                              p=np.array([60, 18, 8, 4, 3, 2, 2, 1, 1, 1]) / 100)
        price = catalogue["price_cents"].to_numpy()[product]
        discounted = rng.random(size) < 0.12
        price = np.where(discounted, np.round(price * 0.9).astype("int64"), price)
        yield pd.DataFrame({
            "external_id": "P" + pd.Series(np.arange(done + 1, done + size + 1))
                                   .astype(str).str.zfill(8),
            "customer_external_id": "C" + pd.Series(customer).astype(str).str.zfill(7),
            "purchased_on": _days(offset + rng.integers(0, span + 1, size)),
            "product_sku": catalogue["sku"].to_numpy()[product],
            "product_name": catalogue["name"].to_numpy()[product],
            "quantity": quantity.astype(str),
            "unit_price": _cents(price),
            "amount": _cents(price * quantity),
        })[PURCHASE_COLUMNS]
        done += size


def _write(path: Path, frames) -> None:
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        header = True
        for frame in frames:
            frame.to_csv(handle, index=False, header=header, quoting=csv.QUOTE_MINIMAL,
                         lineterminator="\n")
            header = False
    os.replace(partial, path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def ensure_files(directory: Path, *, customers: int, purchases: int, products_count: int,
                 seed: int) -> dict:
    """Write (or reuse, when the manifest matches) customers.csv and purchases.csv."""
    directory.mkdir(parents=True, exist_ok=True)
    wanted = {"version": GENERATOR_VERSION, "customers": customers, "purchases": purchases,
              "products": products_count, "seed": seed}
    manifest_path = directory / "manifest.json"
    customers_path = directory / "customers.csv"
    purchases_path = directory / "purchases.csv"
    try:
        manifest = json.loads(manifest_path.read_text())
        if (manifest.get("params") == wanted
                and all(p.is_file() and p.stat().st_size == manifest["sizes"][p.name]
                        for p in (customers_path, purchases_path))):
            return {**manifest, "reused": True}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    manifest_path.unlink(missing_ok=True)
    frame = customers_frame(customers, seed)
    _write(customers_path,
           (frame.iloc[i:i + _WRITE_ROWS] for i in range(0, len(frame), _WRITE_ROWS)))
    del frame
    _write(purchases_path, purchase_chunks(purchases, customers, products_count, seed, _WRITE_ROWS))
    manifest = {
        "params": wanted,
        "sizes": {p.name: p.stat().st_size for p in (customers_path, purchases_path)},
        "sha256": {p.name: _sha256(p) for p in (customers_path, purchases_path)},
    }
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return {**manifest, "reused": False}
