"""The columns of the customer and purchase files (SPEC §5) and the headers accepted for them.

Headers match case- and space-insensitively; each column also answers to its Chinese names,
so a sheet exported from a Chinese Excel or CRM imports without renaming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

CUSTOMER_COLUMNS = (
    "external_id", "name", "kind", "gender", "birth_date", "phone", "email", "company",
    "industry", "province", "city", "address", "source", "level", "status", "acquired_on",
    "churned_on", "owner", "tags",
)
PURCHASE_COLUMNS = (
    "external_id", "customer_external_id", "purchased_on", "product_sku", "product_name",
    "quantity", "unit_price", "amount",
)

ALIASES = {
    "external_id": ["客户编号", "编号", "外部编号", "外部id", "id"],
    "name": ["姓名", "名称", "客户名称", "客户姓名", "客户"],
    "kind": ["类型", "客户类型"],
    "gender": ["性别"],
    "birth_date": ["生日", "出生日期"],
    "phone": ["电话", "手机", "手机号", "联系电话", "电话号码"],
    "email": ["邮箱", "电子邮件", "电子邮箱", "e-mail", "mail"],
    "company": ["公司", "单位", "公司名称"],
    "industry": ["行业"],
    "province": ["省份", "省"],
    "city": ["城市", "市"],
    "address": ["地址", "详细地址"],
    "source": ["来源", "客户来源", "渠道"],
    "level": ["等级", "级别", "客户等级"],
    "status": ["状态", "客户状态"],
    "acquired_on": ["成交日期", "获客日期", "转化日期"],
    "churned_on": ["流失日期"],
    "owner": ["负责人", "销售", "归属", "所属销售"],
    "tags": ["标签"],
    "customer_external_id": ["客户编号", "客户外部编号"],
    "purchased_on": ["购买日期", "日期", "下单日期"],
    "product_sku": ["产品编号", "sku", "商品编号"],
    "product_name": ["产品名称", "产品", "商品名称", "商品"],
    "quantity": ["数量"],
    "unit_price": ["单价"],
    "amount": ["金额", "总价", "合计"],
}
# In a purchase file 编号 is the purchase's own number and 客户编号 the customer's.
PURCHASE_ALIASES = {**ALIASES, "external_id": ["订单编号", "编号", "外部编号", "单号", "id"]}

REQUIRED = {"customers": ("name",), "purchases": ("customer_external_id",)}


def _key(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(header or "")).strip().lower().lstrip("\ufeff")


@dataclass(frozen=True)
class HeaderMap:
    """Which file column (by position) feeds which field, and what was left unused."""

    positions: dict[str, int]
    unknown: list[str]
    duplicated: list[str]


def map_headers(headers: list[str], kind: str) -> HeaderMap:
    columns = CUSTOMER_COLUMNS if kind == "customers" else PURCHASE_COLUMNS
    aliases = ALIASES if kind == "customers" else PURCHASE_ALIASES
    lookup: dict[str, str] = {}
    for column in columns:
        for alias in [column, *aliases.get(column, [])]:
            lookup.setdefault(_key(alias), column)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for index, header in enumerate(headers):
        column = lookup.get(_key(header))
        if column is None:
            if str(header or "").strip():
                unknown.append(str(header))
        elif column in positions:
            duplicated.append(str(header))
        else:
            positions[column] = index
    return HeaderMap(positions=positions, unknown=unknown, duplicated=duplicated)




MISSING_COLUMN = _("The file has no “%(column)s” column (it is required).")
