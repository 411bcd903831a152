"""What is timed: the URLs per user, and the data-dependent values they use (sampled once from
the bench database, deterministically, so runs are comparable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.config import Options
from bench.database import BenchDatabase

# Goal groups (see bench/README.md): the ratio each kind must meet against the ping baseline.
PING, LIST, SEARCH, DEEP, DETAIL, ADMIN = "ping", "list", "search", "deep", "detail", "admin"
DASHBOARD = "dashboard"
DASHBOARD_PAGES = (("overview", ""), ("sales", "sales/"), ("customers", "customers/"))


@dataclass
class Scenario:
    key: str
    label: str
    kind: str
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    baseline: str = ""  # for deep pages: the first page they are compared with
    follow_next: int = 0  # resolve paths[0] by following `Next` this many times first

    def to_json(self) -> dict:
        return {"key": self.key, "label": self.label, "kind": self.kind, "paths": self.paths,
                "baseline": self.baseline}


def _q(**params) -> str:
    return "/customers/?" + urlencode(params)


def discover(db: BenchDatabase, options: Options) -> dict:
    """Sample the values the URLs need: users, a tag, search terms, customers to open."""
    with db.connect() as conn:
        users = {}
        for username in options.users:
            row = conn.execute(
                """
                SELECT u.id, u.is_staff, u.is_superuser,
                       COALESCE(array_agg(g.name) FILTER (WHERE g.name IS NOT NULL), '{}')
                FROM crm_user u
                LEFT JOIN crm_user_groups ug ON ug.user_id = u.id
                LEFT JOIN auth_group g ON g.id = ug.group_id
                WHERE u.username = %s AND u.is_active GROUP BY u.id
                """,
                [username],
            ).fetchone()
            if row is None:
                raise SystemExit(f"user {username!r} does not exist in {db.name}")
            uid, staff, superuser, groups = row
            sees_all = superuser or bool({"manager", "support"} & set(groups))
            visible = conn.execute(
                "SELECT count(*) FROM customers_customer WHERE deleted_at IS NULL"
                + ("" if sees_all else " AND owner_id = %s"),
                [] if sees_all else [uid],
            ).fetchone()[0]
            users[username] = {"id": uid, "is_staff": staff, "groups": sorted(groups),
                               "sees_all": sees_all, "visible_customers": visible}

        tag = conn.execute(
            """
            SELECT t.id, t.name, count(*) FROM customers_customer_tags ct
            JOIN customers_tag t ON t.id = ct.tag_id GROUP BY t.id, t.name
            ORDER BY count(*) DESC, t.id LIMIT 1
            """
        ).fetchone()

        names = [r[0] for r in conn.execute(
            """
            SELECT name FROM customers_customer TABLESAMPLE SYSTEM (2) REPEATABLE (42)
            WHERE deleted_at IS NULL AND kind = 'person' AND name ~ '^[一-龥]{3,}$'
            ORDER BY id LIMIT 50
            """
        )] or [r[0] for r in conn.execute(
            "SELECT name FROM customers_customer WHERE deleted_at IS NULL "
            "AND name ~ '^[一-龥]{3,}$' ORDER BY id LIMIT 50"
        )]
        contacts = conn.execute(
            """
            SELECT phone_normalized, email_normalized FROM customers_customer
            TABLESAMPLE SYSTEM (2) REPEATABLE (43)
            WHERE deleted_at IS NULL AND phone_normalized <> '' AND email_normalized LIKE '%@%'
            ORDER BY id LIMIT 5
            """
        ).fetchall() or conn.execute(
            "SELECT phone_normalized, email_normalized FROM customers_customer "
            "WHERE deleted_at IS NULL AND phone_normalized <> '' "
            "AND email_normalized LIKE '%@%' ORDER BY id LIMIT 5"
        ).fetchall()

        for username, info in users.items():
            where = "" if info["sees_all"] else "AND c.owner_id = %(uid)s"
            query = f"""
                SELECT c.id FROM customers_customer c {{sample}}
                WHERE c.deleted_at IS NULL {where}
                  AND EXISTS (SELECT 1 FROM customers_purchase p WHERE p.customer_id = c.id)
                ORDER BY c.id LIMIT 20
            """
            ids = [r[0] for r in conn.execute(
                query.format(sample="TABLESAMPLE SYSTEM (1) REPEATABLE (7)"), {"uid": info["id"]})]
            if len(ids) < 5:
                ids = [r[0] for r in conn.execute(query.format(sample=""), {"uid": info["id"]})]
            if not ids:
                raise SystemExit(f"{username} sees no customer with purchases in {db.name}")
            info["detail_ids"] = ids

    def fragment(name: str) -> str:
        return name[:3] if len(name) == 3 else name[1:4]

    phone, email = contacts[0] if contacts else ("", "")
    fixtures = {
        "users": users,
        "tag": {"id": tag[0], "name": tag[1], "customers": tag[2]} if tag else None,
        "city": options.city,
        "name_prefix": options.name_prefix or (names[0][:2] if names else "王"),
        "name_fragment": options.name_fragment or (fragment(names[1]) if len(names) > 1 else "王秀英"),
        # The last four digits: what people type when they remember part of a number.
        "phone_fragment": options.phone_fragment or (phone[-4:] if phone else "8000"),
        "email_fragment": options.email_fragment or (email.split("@")[0] + "@" if email else "wang@"),
    }
    return fixtures


def scenarios_for(username: str, fixtures: dict, options: Options) -> list[Scenario]:
    user = fixtures["users"][username]
    ids = user["detail_ids"]
    k = options.next_pages
    found = [
        Scenario("ping", "ping (204, minimal signed-in view)", PING, ["/accounts/ping"], expect=204),
        Scenario("list.first", "list, first page", LIST, ["/customers/"]),
        Scenario("list.status_level", "list ?status=active&level=A", LIST,
                 [_q(status="active", level="A")]),
        Scenario("list.city", f"list ?city={fixtures['city']}", LIST, [_q(city=fixtures["city"])]),
    ]
    if fixtures["tag"]:
        found.append(Scenario("list.tag", f"list ?tag={fixtures['tag']['id']} "
                              f"({fixtures['tag']['name']})", LIST, [_q(tag=fixtures["tag"]["id"])]))
    found += [
        Scenario("list.sort_name", "list ?sort=name", LIST, [_q(sort="name")]),
        Scenario("search.name2", f"search name prefix {fixtures['name_prefix']!r}", SEARCH,
                 [_q(q=fixtures["name_prefix"])]),
        Scenario("search.name3", f"search name fragment {fixtures['name_fragment']!r}", SEARCH,
                 [_q(q=fixtures["name_fragment"])]),
        Scenario("search.phone", f"search phone {fixtures['phone_fragment']!r}", SEARCH,
                 [_q(q=fixtures["phone_fragment"])]),
        Scenario("search.email", f"search e-mail {fixtures['email_fragment']!r}", SEARCH,
                 [_q(q=fixtures["email_fragment"])]),
        Scenario("deep.last", "list, last page (?cursor=last)", DEEP, [_q(cursor="last")],
                 baseline="list.first"),
        Scenario(f"deep.next{k}", f"list, page {k + 1} (Next ×{k})", DEEP, ["/customers/"],
                 baseline="list.first", follow_next=k),
        Scenario("deep.last_filtered", "list ?status=active&level=A, last page", DEEP,
                 [_q(status="active", level="A", cursor="last")], baseline="list.status_level"),
        Scenario("detail", f"customer detail (rotating {len(ids)} customers)", DETAIL,
                 [f"/customers/{pk}/" for pk in ids]),
        Scenario("detail.purchases", "customer purchases panel (htmx)", DETAIL,
                 [f"/customers/{pk}/purchases/" for pk in ids],
                 headers={"HX-Request": "true"}),
    ]
    found += [
        Scenario(f"analytics.{name}", f"dashboard {name} ?period=this_year (cached)", DASHBOARD,
                 [f"/analytics/{path}?period=this_year"])
        for name, path in DASHBOARD_PAGES
    ]
    if user["is_staff"]:
        found.append(Scenario("admin.customers", "admin customer changelist", ADMIN,
                              ["/admin/customers/customer/"]))
        found.append(Scenario("admin.purchases", "admin purchase changelist", ADMIN,
                              ["/admin/customers/purchase/"]))
    if options.only:
        found = [s for s in found if s.key == "ping" or any(
            s.key == o or s.key.startswith(o) for o in options.only)]
    return found
