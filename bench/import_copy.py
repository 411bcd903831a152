"""The COPY baseline of the `import` group (`bench/imports.py`): the rows the import writes,
rebuilt from its input files with pandas (untimed), and loaded with PostgreSQL's COPY into the
same tables (timed)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
from psycopg import sql

from bench import database
from bench.import_child import proc_cpu_seconds

_COPY_BLOCK = 1 << 20
_NOW = "2026-01-01 00:00:00+00"  # created_at/updated_at of the COPY-loaded rows

_CUSTOMER_COPY = [
    "id", "kind", "name", "gender", "birth_date", "phone", "phone_normalized", "email",
    "email_normalized", "company", "industry", "province", "city", "address", "source", "level",
    "status", "acquired_on", "churned_on", "owner_id", "marketing_opt_out", "notes",
    "external_id", "version", "created_at", "updated_at",
]
_CUSTOMER_NULLABLE = ["birth_date", "churned_on", "owner_id"]
_PRODUCT_COPY = ["id", "sku", "name", "category", "list_price", "is_active", "created_at"]
_PURCHASE_COPY = ["customer_id", "product_id", "purchased_on", "quantity", "unit_price",
                  "channel", "external_id", "created_by_id", "created_at"]


def _check_copy_columns(conn: psycopg.Connection) -> None:
    """Fail clearly if a table gained a NOT NULL column the COPY baseline does not fill."""
    for table, columns in (("customers_customer", _CUSTOMER_COPY),
                           ("customers_product", _PRODUCT_COPY),
                           ("customers_purchase", _PURCHASE_COPY)):
        required = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO' "
            "AND is_generated = 'NEVER'", [table])}
        if missing := required - set(columns) - {"id"}:
            raise RuntimeError(f"{table} has NOT NULL columns the COPY baseline does not fill: "
                               f"{sorted(missing)}; update bench/import_copy.py")


def _payload(frame: pd.DataFrame, columns: list[str]) -> bytes:
    # Every cell quoted: "" is an empty string; FORCE_NULL turns it into NULL where it must be
    # one (dates, owner). The import stages its rows the same way.
    return frame[columns].to_csv(index=False, header=False, quoting=csv.QUOTE_ALL,
                                 lineterminator="\n").encode()


def customer_payloads(path: Path, owners: dict[str, int]) -> dict:
    """customers.csv as the rows the import writes: ids 1…n in file order, normalised phone
    and e-mail, owner ids, the columns' defaults; tags and their links."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    n = len(df)
    df["id"] = np.arange(1, n + 1).astype(str)
    df = df.apply(lambda column: column.str.strip() if column.name != "id" else column)
    compact = df["phone"].str.replace(r"[\s\-().]", "", regex=True)
    mobile = compact.str.extract(r"^(?:\+86|0086)?(1[3-9]\d{9})$", expand=False)
    if (mobile.isna() & (df["phone"] != "")).any():
        raise RuntimeError("customers.csv has a phone outside the mainland-mobile shapes")
    df["phone_normalized"] = ("86" + mobile).fillna("")
    df["email_normalized"] = df["email"].str.lower()
    df["owner_id"] = df["owner"].map(lambda u: str(owners[u]) if u else "")
    for column, default in (("kind", "person"), ("level", "C"), ("status", "potential")):
        df[column] = df[column].where(df[column] != "", default)
    df["marketing_opt_out"] = "f"
    df["notes"] = ""
    df["version"] = "1"
    df["created_at"] = df["updated_at"] = _NOW
    names = df["tags"].str.split(";").explode().str.strip()
    names = names[names.notna() & (names != "")]
    tag_names = sorted(set(names))
    tag_ids = {name: i for i, name in enumerate(tag_names, start=1)}
    links = pd.DataFrame({"customer_id": df["id"].to_numpy()[names.index.to_numpy()],
                          "tag_id": names.map(tag_ids).astype(str).to_numpy()}).drop_duplicates()
    tags = pd.DataFrame({"id": [str(i) for i in tag_ids.values()], "name": list(tag_ids)})
    return {
        "rows": n,
        "index": pd.Index(df["external_id"]),
        "parts": [
            ("customers_tag", ["id", "name"], _payload(tags, ["id", "name"]), []),
            ("customers_customer", _CUSTOMER_COPY, _payload(df, _CUSTOMER_COPY),
             _CUSTOMER_NULLABLE),
            ("customers_customer_tags", ["customer_id", "tag_id"],
             _payload(links, ["customer_id", "tag_id"]), []),
        ],
        "tag_links": len(links),
    }


def purchase_payloads(path: Path, customer_index: pd.Index) -> dict:
    """purchases.csv as the rows the import writes: customer ids resolved, one product per SKU
    (named, and priced, by its first line), the defaults."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    n = len(df)
    positions = customer_index.get_indexer(df["customer_external_id"])
    if (positions < 0).any():
        raise RuntimeError("purchases.csv names customers that customers.csv does not have")
    df["customer_id"] = (positions + 1).astype(str)
    first = df.drop_duplicates("product_sku").sort_values("product_sku")
    products = pd.DataFrame({
        "id": [str(i) for i in range(1, len(first) + 1)], "sku": first["product_sku"].to_numpy(),
        "name": first["product_name"].to_numpy(), "category": "",
        "list_price": first["unit_price"].to_numpy(), "is_active": "t", "created_at": _NOW,
    })
    df["product_id"] = df["product_sku"].map(dict(zip(products["sku"], products["id"])))
    df["channel"] = ""
    df["created_by_id"] = ""
    df["created_at"] = _NOW
    return {
        "rows": n,
        "products": len(products),
        "parts": [
            ("customers_product", _PRODUCT_COPY, _payload(products, _PRODUCT_COPY), []),
            ("customers_purchase", _PURCHASE_COPY, _payload(df, _PURCHASE_COPY),
             ["created_by_id"]),
        ],
    }


def copy_parts(db: database.BenchDatabase, parts: list) -> tuple[float, float | None]:
    """COPY each part in one transaction: the seconds from the first COPY to the COMMIT, and
    the CPU seconds of the backend meanwhile (None when /proc does not show it)."""
    with psycopg.connect(db.conninfo) as conn:
        _check_copy_columns(conn)
        conn.commit()
        cursor = conn.cursor()
        backend = conn.info.backend_pid
        cpu = proc_cpu_seconds(backend)
        started = time.perf_counter()
        for table, columns, payload, nullable in parts:
            force_null = sql.SQL(", FORCE_NULL ({})").format(
                sql.SQL(", ").join(map(sql.Identifier, nullable))) if nullable else sql.SQL("")
            statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv{})").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)),
                force_null)
            view = memoryview(payload)
            with cursor.copy(statement) as copy:
                for offset in range(0, len(view), _COPY_BLOCK):
                    copy.write(view[offset:offset + _COPY_BLOCK])
        conn.commit()
        seconds = time.perf_counter() - started
        cpu_after = proc_cpu_seconds(backend)
        cpu = cpu_after - cpu if None not in (cpu, cpu_after) else None
        # Identity sequences past the ids given explicitly (not part of the timing).
        for table in ("customers_customer", "customers_tag", "customers_product"):
            conn.execute(sql.SQL(
                "SELECT setval(pg_get_serial_sequence({}, 'id'), "
                "coalesce((SELECT max(id) FROM {}), 0) + 1, false)").format(
                sql.Literal(table), sql.Identifier(table)))
        conn.commit()
    return seconds, cpu
