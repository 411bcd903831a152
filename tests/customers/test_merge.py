from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from customers import selectors, services
from customers.models import Customer, CustomerMerge, Purchase
from tests.factories import CustomerFactory, PurchaseFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

DUPLICATES = reverse("customers:duplicate_list")
MERGE = reverse("customers:merge")
HISTORY = reverse("customers:merge_list")


def merge(actor, survivor, *others, **values):
    return services.customers_merge(actor=actor, survivor=survivor, others=list(others),
                                    values=values)


def tag_names(customer):
    return set(customer.tags.values_list("name", flat=True))


class TestMerge:
    def test_purchases_move_and_tag_links_are_not_repeated(self, manager, rep):
        vip, new = TagFactory(name="VIP"), TagFactory(name="New")
        survivor = CustomerFactory(owner=rep, tags=[vip])
        other = CustomerFactory(owner=rep, tags=[vip, new])
        third = CustomerFactory(owner=rep, tags=[new])
        purchases = PurchaseFactory.create_batch(2, customer=other) + [
            PurchaseFactory(customer=third)
        ]
        PurchaseFactory(customer=survivor)

        record = merge(manager, survivor, other, third)

        assert set(Purchase.objects.filter(customer=survivor)) >= set(purchases)
        assert Purchase.objects.filter(customer=survivor).count() == 4
        assert tag_names(survivor) == {"VIP", "New"}
        assert survivor.tags.through.objects.filter(customer=survivor).count() == 2
        # other's VIP repeats the survivor's link and third's New repeats other's moved one.
        assert sorted((d["from"], d["values"]["tag_id"]) for d in record.dropped) == sorted(
            [(other.pk, vip.pk), (third.pk, new.pk)]
        )
        moved = {(m["model"], m["from"]): m["ids"] for m in record.moved}
        assert sorted(moved[("customers.purchase", other.pk)]) == sorted(
            p.pk for p in purchases[:2]
        )
        assert moved[("customers.purchase", third.pk)] == [purchases[2].pk]

    def test_merge_snapshots_customers_and_soft_deletes_the_others(self, manager, rep):
        survivor = CustomerFactory(owner=rep, name="王芳", birth_date=date(1990, 5, 1))
        other = CustomerFactory(owner=rep, name="王 芳", external_id="ERP-7")

        record = merge(manager, survivor, other, name="王 芳", external_id="ERP-7")

        assert record.merged_ids == [other.pk]
        assert record.before["survivor"]["name"] == "王芳"
        assert record.before["survivor"]["birth_date"] == "1990-05-01"
        assert record.before["survivor"]["owner"] == rep.pk
        assert record.before["merged"][str(other.pk)]["external_id"] == "ERP-7"
        assert record.after["external_id"] == "ERP-7"
        other = Customer.all_objects.get(pk=other.pk)
        assert other.is_deleted and other.deleted_by == manager and other.external_id == ""
        survivor.refresh_from_db()
        assert survivor.external_id == "ERP-7" and survivor.name == "王 芳"
        assert not Customer.objects.filter(pk=other.pk).exists()

    def test_merge_takes_chosen_values_normalized_and_bumps_the_version(self, manager, rep):
        survivor = CustomerFactory(owner=rep, phone="", email="")
        other = CustomerFactory(owner=rep, phone="+86 138-0013-8000", email="A@Example.com")
        version = survivor.version

        merge(manager, survivor, other, phone=other.phone, email=other.email)

        survivor.refresh_from_db()
        assert survivor.phone_normalized == "8613800138000"
        assert survivor.email == survivor.email_normalized == "a@example.com"
        assert survivor.version == version + 1

    def test_changed_customer_refuses_the_merge_and_nothing_is_written(self, manager, rep):
        survivor, other = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
        PurchaseFactory(customer=other)
        versions = {survivor.pk: survivor.version, other.pk: other.version}
        services.customer_update(customer=other, actor=rep, name="Edited meanwhile")

        with pytest.raises(services.ConcurrentUpdateError) as excinfo:
            services.customers_merge(actor=manager, survivor=survivor, others=[other],
                                     values={}, versions=versions)

        assert "Edited meanwhile" in str(excinfo.value)
        assert Customer.objects.filter(pk=other.pk).exists()
        assert Purchase.objects.filter(customer=other).count() == 1
        assert not CustomerMerge.objects.exists()

    def test_invalid_choice_writes_nothing(self, manager, rep):
        survivor = CustomerFactory(owner=rep, acquired_on=date(2024, 1, 1))
        other = CustomerFactory(owner=rep, status="churned", churned_on=date(2023, 1, 1),
                                acquired_on=date(2022, 1, 1), external_id="X-1")

        with pytest.raises(ValidationError):
            merge(manager, survivor, other, status="churned", churned_on=date(2023, 1, 1))

        other.refresh_from_db()
        assert not other.is_deleted and other.external_id == "X-1"
        assert not CustomerMerge.objects.exists()

    @pytest.mark.parametrize("role", ["rep", "support"])
    def test_only_managers_merge(self, request, role, rep):
        actor = request.getfixturevalue(role)
        survivor, other = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
        with pytest.raises(PermissionDenied):
            merge(actor, survivor, other)
        assert Customer.objects.count() == 2

    def test_merge_needs_two_different_live_customers(self, manager, rep):
        customer = CustomerFactory(owner=rep)
        with pytest.raises(ValidationError, match="at least two"):
            merge(manager, customer, customer)
        deleted = CustomerFactory(owner=rep, deleted_at=timezone.now())
        with pytest.raises(ValidationError, match="deleted"):
            merge(manager, customer, deleted)
        assert not CustomerMerge.objects.exists()


class TestUndo:
    @pytest.fixture
    def merged(self, manager, rep):
        vip, new = TagFactory(name="VIP"), TagFactory(name="New")
        survivor = CustomerFactory(owner=rep, name="Acme", phone="", tags=[vip])
        other = CustomerFactory(owner=rep, name="ACME Ltd", phone="13800138000",
                                external_id="ERP-1", tags=[vip, new])
        purchase = PurchaseFactory(customer=other)
        record = merge(manager, survivor, other, name="ACME Ltd", phone="13800138000",
                       external_id="ERP-1")
        return record, survivor, other, purchase

    def test_undo_restores_customers_records_and_links(self, manager, merged):
        record, survivor, other, purchase = merged
        survivor_version = Customer.objects.get(pk=survivor.pk).version

        undone = services.customer_merge_undo(actor=manager, merge=record)

        assert undone.undone_by == manager and undone.undone_at is not None
        assert undone.kept_fields == []
        other = Customer.objects.get(pk=other.pk)
        assert other.external_id == "ERP-1" and other.deleted_by is None
        assert tag_names(other) == {"VIP", "New"}
        purchase.refresh_from_db()
        assert purchase.customer_id == other.pk
        survivor = Customer.objects.get(pk=survivor.pk)
        assert (survivor.name, survivor.phone, survivor.external_id) == ("Acme", "", "")
        assert survivor.phone_normalized == ""
        assert tag_names(survivor) == {"VIP"}
        assert survivor.version == survivor_version + 1

    def test_undo_keeps_fields_edited_since(self, manager, merged):
        record, survivor, _other, _purchase = merged
        services.customer_update(customer=survivor, actor=manager, phone="13900139000")

        undone = services.customer_merge_undo(actor=manager, merge=record)

        assert undone.kept_fields == ["phone"]
        survivor.refresh_from_db()
        assert survivor.phone == "13900139000"
        assert survivor.name == "Acme"

    def test_undo_is_refused_after_the_undo_period(self, manager, merged):
        record = merged[0]
        CustomerMerge.objects.filter(pk=record.pk).update(
            merged_at=timezone.now() - timedelta(days=settings.MERGE_UNDO_DAYS, hours=1)
        )
        record.refresh_from_db()
        with pytest.raises(ValidationError, match="no longer be undone"):
            services.customer_merge_undo(actor=manager, merge=record)
        assert not Customer.objects.filter(pk=merged[2].pk).exists()

    def test_a_merge_is_undone_once(self, manager, merged):
        record = merged[0]
        services.customer_merge_undo(actor=manager, merge=record)
        with pytest.raises(ValidationError, match="already been undone"):
            services.customer_merge_undo(actor=manager, merge=record)

    def test_undo_is_refused_when_a_merged_customer_was_purged(self, manager, rep):
        survivor, other = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
        record = merge(manager, survivor, other)
        Customer.all_objects.filter(pk=other.pk).delete()
        with pytest.raises(ValidationError, match="deleted for good"):
            services.customer_merge_undo(actor=manager, merge=record)
        assert CustomerMerge.objects.get(pk=record.pk).undone_at is None

    def test_rep_cannot_undo(self, rep, merged):
        with pytest.raises(PermissionDenied):
            services.customer_merge_undo(actor=rep, merge=merged[0])


def groups(user, **kwargs):
    page = selectors.duplicate_groups(user=user, **kwargs)
    return [(g.reason, sorted(c.pk for c in g.members)) for g in page.object_list]


class TestDuplicateGroups:
    def test_same_phone_in_any_format(self, manager, rep):
        a = CustomerFactory(owner=rep, phone="+86 138-0013-8000", city="北京")
        b = CustomerFactory(owner=rep, phone="13800138000", city="上海")
        CustomerFactory(owner=rep, phone="13900139000")
        assert groups(manager, reason="phone") == [("phone", sorted([a.pk, b.pk]))]

    def test_same_email_ignoring_case(self, manager, rep):
        a = CustomerFactory(owner=rep, email="Wang@Example.com")
        b = CustomerFactory(owner=rep, email="wang@example.com")
        assert groups(manager, reason="email") == [("email", sorted([a.pk, b.pk]))]

    @pytest.mark.parametrize(
        ("first", "second"),
        [("Acme Co., Ltd.", "ACME ltd"), ("上海新远科技有限公司", "上海新远科技公司"),
         ("王 芳", "王芳"), ("O'Brien", "obrien")],
    )
    def test_similar_names_in_the_same_city(self, manager, rep, first, second):
        a = CustomerFactory(owner=rep, name=first, city="上海")
        b = CustomerFactory(owner=rep, name=second, city="上海")
        assert groups(manager, reason="name") == [("name", sorted([a.pk, b.pk]))]

    def test_names_in_other_cities_or_only_company_forms_are_not_grouped(self, manager, rep):
        CustomerFactory(owner=rep, name="Acme", city="上海")
        CustomerFactory(owner=rep, name="Acme", city="北京")
        CustomerFactory(owner=rep, name="Ltd.", city="上海")
        CustomerFactory(owner=rep, name="Co", city="上海")
        CustomerFactory(owner=rep, name="Taco", city="北京")
        CustomerFactory(owner=rep, name="Ta", city="北京")
        assert groups(manager, reason="name") == []

    def test_deleted_customers_are_left_out(self, manager, rep):
        CustomerFactory(owner=rep, phone="13800138000")
        CustomerFactory(owner=rep, phone="13800138000", deleted_at=timezone.now())
        assert groups(manager) == []

    def test_reps_see_groups_of_their_own_customers_only(self, rep, other_rep):
        mine = CustomerFactory(owner=rep, phone="13800138000")
        CustomerFactory(owner=other_rep, phone="13800138000")
        twin = CustomerFactory(owner=rep, email=mine.email)
        assert groups(rep) == [("email", sorted([mine.pk, twin.pk]))]

    def test_pages_cover_every_group_once_in_both_directions(self, manager, rep):
        # No city: two random names that happen to match would add a name group.
        for n in range(3):
            CustomerFactory.create_batch(2, owner=rep, phone=f"1380013800{n}", city="")
            CustomerFactory.create_batch(2, owner=rep, email=f"twin{n}@example.com", city="")
        seen, cursor, pages = [], None, []
        while True:
            page = selectors.duplicate_groups(user=manager, cursor=cursor, per_page=4)
            pages.append(page)
            seen += [(g.reason, g.key) for g in page.object_list]
            if not page.has_next:
                break
            cursor = page.next_cursor
        assert len(seen) == len(set(seen)) == 6
        assert [reason for reason, _key in seen] == ["phone"] * 3 + ["email"] * 3
        back = selectors.duplicate_groups(user=manager, cursor=pages[1].previous_cursor,
                                          per_page=4)
        assert [g.key for g in back.object_list] == [g.key for g in pages[0].object_list]
        last = selectors.duplicate_groups(user=manager, cursor="last", per_page=4)
        assert [g.key for g in last.object_list] == [key for _r, key in seen[-4:]]

    def test_a_large_group_lists_its_oldest_members(self, manager, rep):
        customers = CustomerFactory.create_batch(
            selectors.DUPLICATE_MEMBERS_SHOWN + 2, owner=rep, phone="13800138000", city=""
        )
        (group,) = selectors.duplicate_groups(user=manager).object_list
        assert group.size == len(customers)
        assert group.ids == [c.pk for c in customers][: selectors.DUPLICATE_MEMBERS_SHOWN]
        assert group.more == 2


class TestAccess:
    @pytest.fixture
    def record(self, manager, rep):
        return merge(manager, CustomerFactory(owner=rep), CustomerFactory(owner=rep))

    @pytest.fixture
    def pair(self, rep):
        return CustomerFactory.create_batch(2, owner=rep, phone="13800138000")

    @pytest.mark.parametrize("page", ["duplicates", "merge", "history", "detail"])
    def test_only_managers_see_the_pages(self, page, rep, support, manager, client_for, pair,
                                         record):
        url = {
            "duplicates": DUPLICATES,
            "merge": f"{MERGE}?ids={pair[0].pk}&ids={pair[1].pk}",
            "history": HISTORY,
            "detail": record.get_absolute_url(),
        }[page]
        got = {name: client_for(user).get(url).status_code
               for name, user in {"rep": rep, "support": support, "manager": manager,
                                  "nobody": UserFactory(username="nobody")}.items()}
        assert got == {"rep": 403, "support": 403, "manager": 200, "nobody": 403}

    def test_anonymous_user_is_sent_to_login(self, client):
        response = client.get(DUPLICATES)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_rep_cannot_post_a_merge_or_an_undo(self, rep, client_for, pair, record):
        client = client_for(rep)
        response = client.post(MERGE, {"ids": [c.pk for c in pair], "survivor": pair[0].pk})
        assert response.status_code == 403
        assert client.post(reverse("customers:merge_undo", args=[record.pk])).status_code == 403
        assert Customer.objects.filter(pk__in=[c.pk for c in pair]).count() == 2
        assert CustomerMerge.objects.get(pk=record.pk).undone_at is None


class TestDuplicatesPage:
    def test_full_page_and_htmx_fragment(self, manager, rep, client_for, htmx_headers):
        a, b = CustomerFactory.create_batch(2, owner=rep, phone="13800138000", name="双胞胎")
        page = client_for(manager).get(DUPLICATES)
        fragment = client_for(manager).get(DUPLICATES, headers=htmx_headers)
        assert page.status_code == fragment.status_code == 200
        body = page.content.decode()
        assert "<html" in body and "双胞胎" in body
        assert f"{MERGE}?ids={a.pk}&amp;ids={b.pk}" in body
        assert "<html" not in fragment.content.decode() and "双胞胎" in fragment.content.decode()
        assert "HX-Request" in fragment["Vary"]

    def test_reason_filter(self, manager, rep, client_for):
        CustomerFactory.create_batch(2, owner=rep, phone="13800138000", name="同号")
        CustomerFactory.create_batch(2, owner=rep, email="same@example.com", name="同邮")
        body = client_for(manager).get(DUPLICATES, {"reason": "email"}).content.decode()
        assert "同邮" in body and "同号" not in body

    def test_empty_state(self, manager, client_for):
        response = client_for(manager).get(DUPLICATES)
        assert "empty-state" in response.content.decode()

    def test_query_count_is_bounded(self, manager, rep, client_for,
                                    django_assert_max_num_queries):
        for n in range(15):
            CustomerFactory.create_batch(3, owner=rep, phone=f"138001380{n:02d}")
            CustomerFactory.create_batch(2, owner=rep, email=f"twin{n}@example.com")
            CustomerFactory.create_batch(2, owner=rep, name=f"同名{n}", city="上海")
        client = client_for(manager)
        client.get(DUPLICATES)
        # Session, user, three reasons' groups and three reasons' members at most.
        with django_assert_max_num_queries(8):
            response = client.get(DUPLICATES, {"cursor": "last"})
        assert response.status_code == 200
        assert response.content.decode().count("duplicate-group") == settings.LIST_PAGE_SIZE


class TestMergePage:
    def test_form_lists_only_the_fields_that_differ(self, manager, rep, client_for):
        a = CustomerFactory(owner=rep, name="王芳", city="上海", phone="13800138000")
        b = CustomerFactory(owner=rep, name="王 芳", city="上海", phone="13800138000")
        response = client_for(manager).get(MERGE, {"ids": [a.pk, b.pk]})
        form = response.context["form"]
        assert "name" in form.field_names and "email" in form.field_names
        assert "city" not in form.field_names and "phone" not in form.field_names
        assert form["name"].initial == a.pk
        assert "王 芳" in response.content.decode()

    def test_empty_values_default_to_the_first_filled_one(self, manager, rep, client_for):
        a = CustomerFactory(owner=rep, company="")
        b = CustomerFactory(owner=rep, company="Acme")
        form = client_for(manager).get(MERGE, {"ids": [a.pk, b.pk]}).context["form"]
        assert form["company"].initial == b.pk

    def test_one_customer_or_an_unknown_one_is_explained(self, manager, other_rep, client_for):
        customer = CustomerFactory(owner=other_rep)
        response = client_for(manager).get(MERGE, {"ids": [customer.pk]})
        assert "at least two" in response.content.decode()
        response = client_for(manager).get(MERGE, {"ids": [customer.pk, 999999]})
        assert "999999" in response.content.decode()
        assert response.context["form"] is None

    def test_a_whole_listed_group_can_be_compared_but_not_more(self, manager, rep, client_for):
        customers = CustomerFactory.create_batch(selectors.DUPLICATE_MEMBERS_SHOWN + 1, owner=rep)
        ids = [c.pk for c in customers]
        client = client_for(manager)
        assert client.get(MERGE, {"ids": ids[:-1]}).context["form"] is not None
        response = client.get(MERGE, {"ids": ids})
        assert response.context["form"] is None
        assert "at most" in response.content.decode()

    def test_post_merges_and_points_to_the_undo(self, manager, rep, client_for):
        a = CustomerFactory(owner=rep, company="")
        b = CustomerFactory(owner=rep, company="Acme")
        PurchaseFactory(customer=b)
        client = client_for(manager)
        data = {"ids": [a.pk, b.pk], "survivor": a.pk, f"version_{a.pk}": a.version,
                f"version_{b.pk}": b.version, "company": b.pk, "name": a.pk, "email": b.pk,
                "phone": a.pk}
        response = client.post(MERGE, data, follow=True)
        assert response.redirect_chain[0] == (a.get_absolute_url(), 302)
        assert "can be undone" in response.content.decode()
        a.refresh_from_db()
        assert a.company == "Acme" and a.email == b.email and a.purchases.count() == 1
        assert not Customer.objects.filter(pk=b.pk).exists()

    def test_post_with_a_stale_version_merges_nothing(self, manager, rep, client_for):
        a, b = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
        data = {"ids": [a.pk, b.pk], "survivor": a.pk, f"version_{a.pk}": a.version,
                f"version_{b.pk}": b.version, "name": a.pk, "email": a.pk, "phone": a.pk}
        services.customer_update(customer=b, actor=rep, notes="changed")
        response = client_for(manager).post(MERGE, data, follow=True)
        assert response.redirect_chain[0][0].startswith(MERGE)
        assert "nothing was merged" in response.content.decode()
        assert Customer.objects.filter(pk=b.pk).exists()
        assert not CustomerMerge.objects.exists()

    def test_post_with_an_impossible_choice_shows_the_error(self, manager, rep, client_for):
        a = CustomerFactory(owner=rep, acquired_on=date(2024, 1, 1))
        b = CustomerFactory(owner=rep, status="churned", churned_on=date(2023, 1, 1),
                            acquired_on=date(2022, 1, 1))
        data = {"ids": [a.pk, b.pk], "survivor": a.pk, f"version_{a.pk}": a.version,
                f"version_{b.pk}": b.version, "name": a.pk, "email": a.pk, "phone": a.pk,
                "status": b.pk, "churned_on": b.pk, "acquired_on": a.pk}
        response = client_for(manager).post(MERGE, data)
        assert response.status_code == 200
        assert "churn date cannot be before" in response.content.decode()
        assert Customer.objects.filter(pk=b.pk).exists()


class TestHistoryPages:
    def test_full_page_and_htmx_fragment(self, manager, rep, client_for, htmx_headers):
        other = CustomerFactory(owner=rep, name="被合并")
        merge(manager, CustomerFactory(owner=rep, name="保留"), other)
        page = client_for(manager).get(HISTORY)
        fragment = client_for(manager).get(HISTORY, headers=htmx_headers)
        assert page.status_code == fragment.status_code == 200
        assert "<html" in page.content.decode() and "被合并" in page.content.decode()
        assert "<html" not in fragment.content.decode() and "保留" in fragment.content.decode()

    def test_history_query_count(self, manager, rep, client_for,
                                 django_assert_max_num_queries):
        for _ in range(30):
            merge(manager, CustomerFactory(owner=rep), CustomerFactory(owner=rep))
        client = client_for(manager)
        client.get(HISTORY)
        with django_assert_max_num_queries(5):
            response = client.get(HISTORY)
        assert response.content.decode().count("/customers/merges/") >= settings.LIST_PAGE_SIZE

    def test_detail_shows_moved_records_and_undo_button(self, manager, rep, client_for):
        other = CustomerFactory(owner=rep, tags=[TagFactory(name="VIP")])
        PurchaseFactory.create_batch(3, customer=other)
        record = merge(manager, CustomerFactory(owner=rep), other)
        body = client_for(manager).get(record.get_absolute_url()).content.decode()
        assert reverse("customers:merge_undo", args=[record.pk]) in body
        moved = {m.label: m.count for m in selectors.merge_moved_records(merge=record)}
        assert moved == {"purchases": 3, "tags": 1}
        assert "3" in body and other.name in body

    def test_undo_post_restores_and_reports_fields_kept(self, manager, rep, client_for):
        survivor = CustomerFactory(owner=rep, company="")
        other = CustomerFactory(owner=rep, company="Acme")
        record = merge(manager, survivor, other, company="Acme", notes="merged")
        services.customer_update(customer=survivor, actor=manager, company="Acme Group")
        client = client_for(manager)
        response = client.post(reverse("customers:merge_undo", args=[record.pk]), follow=True)
        assert response.redirect_chain == [(record.get_absolute_url(), 302)]
        body = response.content.decode()
        assert "Merge undone" in body and "Company" in body
        assert reverse("customers:merge_undo", args=[record.pk]) not in body
        assert Customer.objects.filter(pk=other.pk).exists()
        survivor.refresh_from_db()
        assert survivor.company == "Acme Group" and survivor.notes == ""

    def test_undo_refused_is_reported_and_get_is_not_allowed(self, manager, rep, client_for):
        record = merge(manager, CustomerFactory(owner=rep), CustomerFactory(owner=rep))
        CustomerMerge.objects.filter(pk=record.pk).update(
            merged_at=timezone.now() - timedelta(days=settings.MERGE_UNDO_DAYS + 1)
        )
        url = reverse("customers:merge_undo", args=[record.pk])
        client = client_for(manager)
        assert client.get(url).status_code == 405
        response = client.post(url, follow=True)
        assert "no longer be undone" in response.content.decode()
        assert CustomerMerge.objects.get(pk=record.pk).undone_at is None
