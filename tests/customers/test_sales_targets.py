"""Sales targets (SPEC §3): the model's invariants, the services, who sees what, the admin."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from crm.models import Role
from customers import services
from customers.models import SalesTarget
from tests.factories import ManagerFactory, SalesTargetFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
CHANGELIST = reverse("admin:customers_salestarget_changelist")
ADD = reverse("admin:customers_salestarget_add")


def change_url(target):
    return reverse("admin:customers_salestarget_change", args=[target.pk])


# --- model ----------------------------------------------------------------------------------

class TestModel:
    def test_month_must_be_the_first_day_in_the_database(self, rep):
        with pytest.raises(IntegrityError), transaction.atomic():
            SalesTarget.objects.create(rep=rep, month=D(2025, 3, 2), amount=Decimal("1"))

    def test_amount_cannot_be_negative_in_the_database(self, rep):
        with pytest.raises(IntegrityError), transaction.atomic():
            SalesTarget.objects.create(rep=rep, month=D(2025, 3, 1), amount=Decimal("-1"))

    def test_one_target_per_rep_and_month(self, rep):
        SalesTarget.objects.create(rep=rep, month=D(2025, 3, 1), amount=Decimal("1"))
        with pytest.raises(IntegrityError), transaction.atomic():
            SalesTarget.objects.create(rep=rep, month=D(2025, 3, 1), amount=Decimal("2"))

    def test_constraints_exist_in_the_database(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT conname FROM pg_constraint "
                           "WHERE conrelid = 'customers_salestarget'::regclass")
            names = {row[0] for row in cursor.fetchall()}
        assert {"sales_target_rep_month_unique", "sales_target_month_first_day",
                "sales_target_amount_not_negative"} <= names

    def test_rep_is_protected(self, rep):
        SalesTargetFactory(rep=rep)
        with pytest.raises(IntegrityError), transaction.atomic():
            rep.delete()

    def test_str_names_rep_and_month(self, rep):
        target = SalesTargetFactory(rep=rep, month=D(2025, 3, 1))
        assert str(target) == f"{rep} · 2025-03"

    def test_visible_to(self, rep, other_rep, support, manager, superuser):
        mine = SalesTargetFactory(rep=rep)
        theirs = SalesTargetFactory(rep=other_rep)
        assert list(SalesTarget.objects.visible_to(rep)) == [mine]
        for user in (manager, superuser, support):
            assert set(SalesTarget.objects.visible_to(user)) == {mine, theirs}
        assert not SalesTarget.objects.visible_to(None).exists()
        rep.is_active = False
        assert not SalesTarget.objects.visible_to(rep).exists()

    def test_for_months_takes_any_day_of_the_bounding_months(self, rep):
        targets = {m: SalesTargetFactory(rep=rep, month=D(2025, m, 1)) for m in (1, 2, 3, 4)}
        found = SalesTarget.objects.for_months(D(2025, 2, 14), D(2025, 3, 31))
        assert set(found) == {targets[2], targets[3]}


# --- services -------------------------------------------------------------------------------

class TestServices:
    def test_set_creates_a_target_on_the_first_of_the_month(self, manager, rep):
        target = services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 17),
                                           amount=Decimal("1200.50"))
        target.refresh_from_db()
        assert target.month == D(2025, 3, 1)
        assert target.amount == Decimal("1200.50")
        assert target.version == 1
        assert target.created_by == target.updated_by == manager

    def test_set_again_updates_and_bumps_the_version(self, manager, rep):
        first = services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 1),
                                          amount=Decimal("100"))
        second = services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 31),
                                           amount=Decimal("250"), version=first.version)
        assert second.pk == first.pk
        assert second.version == 2
        assert SalesTarget.objects.get().amount == Decimal("250")

    def test_stale_version_is_refused_and_nothing_changes(self, manager, rep):
        target = services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 1),
                                           amount=Decimal("100"))
        services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 1),
                                  amount=Decimal("150"), version=1)
        with pytest.raises(ValidationError) as error:
            services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 1),
                                      amount=Decimal("999"), version=target.version)
        assert error.value.code == "stale"
        assert "Someone else changed" in error.value.messages[0]
        assert SalesTarget.objects.get().amount == Decimal("150")

    def test_version_of_a_target_removed_meanwhile_is_stale(self, manager, rep):
        with pytest.raises(ValidationError) as error:
            services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 1),
                                      amount=Decimal("1"), version=1)
        assert error.value.code == "stale"
        assert not SalesTarget.objects.exists()

    @pytest.mark.parametrize("amount", [Decimal("-0.01"), "abc", "NaN", Decimal("1e12")])
    def test_bad_amount_is_refused(self, manager, rep, amount):
        with pytest.raises(ValidationError) as error:
            services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 1),
                                      amount=amount)
        assert "amount" in error.value.message_dict
        assert not SalesTarget.objects.exists()

    def test_month_must_be_a_date(self, manager, rep):
        with pytest.raises(ValidationError) as error:
            services.sales_target_set(actor=manager, rep=rep, month="2025-03", amount=1)
        assert "month" in error.value.message_dict

    def test_only_managers_set_targets(self, rep, support):
        for actor in (rep, support):
            with pytest.raises(ValidationError):
                services.sales_target_set(actor=actor, rep=rep, month=D(2025, 3, 1), amount=1)
        assert not SalesTarget.objects.exists()

    def test_targets_are_for_active_reps_and_managers(self, manager, support):
        departed = UserFactory(is_active=False, roles=[Role.SALES])
        for rep in (support, departed):
            with pytest.raises(ValidationError) as error:
                services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 1),
                                          amount=1)
            assert "rep" in error.value.message_dict
        assert services.sales_target_set(actor=manager, rep=manager, month=D(2025, 3, 1),
                                         amount=1).rep == manager

    def test_an_existing_target_of_a_departed_rep_stays_editable(self, manager, rep):
        target = services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 1),
                                           amount=1)
        rep.is_active = False
        rep.save()
        changed = services.sales_target_set(actor=manager, rep=rep, month=D(2025, 3, 1),
                                            amount=2, version=target.version)
        assert changed.amount == 2

    def test_delete(self, manager, rep):
        target = SalesTargetFactory(rep=rep)
        services.sales_target_delete(actor=manager, target=target)
        assert not SalesTarget.objects.exists()
        services.sales_target_delete(actor=manager, target=target)  # gone already: fine

    def test_delete_refuses_stale_version_and_non_managers(self, manager, rep):
        target = SalesTargetFactory(rep=rep)
        SalesTarget.objects.filter(pk=target.pk).update(version=3)
        with pytest.raises(ValidationError):
            services.sales_target_delete(actor=manager, target=target, version=1)
        with pytest.raises(ValidationError):
            services.sales_target_delete(actor=rep, target=target)
        assert SalesTarget.objects.exists()


# --- permissions ----------------------------------------------------------------------------

def test_role_groups_hold_the_sales_target_permissions():
    def codenames(role):
        return set(Group.objects.get(name=role).permissions.filter(
            codename__endswith="salestarget").values_list("codename", flat=True))

    assert codenames(Role.MANAGER) == {"add_salestarget", "change_salestarget",
                                       "delete_salestarget", "view_salestarget"}
    assert codenames(Role.SALES) == {"view_salestarget"}
    assert codenames(Role.SUPPORT) == set()


# --- admin ----------------------------------------------------------------------------------

class TestAdmin:
    def test_changelist_for_managers_only(self, manager, support, rep, client_for,
                                          django_assert_max_num_queries):
        for month in range(1, 13):
            SalesTargetFactory(rep=rep, month=D(2024, month, 1))
        client = client_for(manager)
        client.get(CHANGELIST)
        with django_assert_max_num_queries(12):
            response = client.get(CHANGELIST)
        assert response.status_code == 200
        assert "2024-12" in response.content.decode()
        assert client_for(support).get(CHANGELIST).status_code == 403
        assert client_for(rep).get(CHANGELIST).status_code == 302  # not staff: log-in page

    def test_add_goes_through_the_service_and_normalises_the_month(self, manager, rep,
                                                                   client_for):
        response = client_for(manager).post(ADD, {"rep": rep.pk, "month": "2025-07",
                                                  "amount": "8800.00"})
        assert response.status_code == 302, response.context["adminform"].form.errors
        target = SalesTarget.objects.get()
        assert (target.rep, target.month, target.amount) == (rep, D(2025, 7, 1),
                                                            Decimal("8800.00"))
        assert target.created_by == manager

    def test_add_accepts_a_full_date(self, manager, rep, client_for):
        client_for(manager).post(ADD, {"rep": rep.pk, "month": "2025-07-19", "amount": "1"})
        assert SalesTarget.objects.get().month == D(2025, 7, 1)

    def test_duplicate_and_bad_input_are_form_errors(self, manager, rep, client_for):
        SalesTargetFactory(rep=rep, month=D(2025, 7, 1))
        client = client_for(manager)
        duplicate = client.post(ADD, {"rep": rep.pk, "month": "2025-07", "amount": "5"})
        assert duplicate.status_code == 200
        assert "already has a target for this month" in duplicate.content.decode()
        bad = client.post(ADD, {"rep": rep.pk, "month": "July", "amount": "-5"})
        assert bad.status_code == 200
        assert {"month", "amount"} <= set(bad.context["adminform"].form.errors)
        assert SalesTarget.objects.count() == 1

    def test_rep_choices_are_people_who_own_customers(self, manager, rep, client_for):
        support = SupportFactory(username="helper")
        form = client_for(manager).get(ADD).context["adminform"].form
        choices = set(form.fields["rep"].queryset)
        assert rep in choices and manager in choices and support not in choices

    def test_change_updates_amount_and_refuses_a_stale_form(self, manager, rep, client_for):
        target = SalesTargetFactory(rep=rep, month=D(2025, 7, 1))
        client = client_for(manager)
        response = client.post(change_url(target), {"amount": "123.45", "loaded_version": 1})
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.amount == Decimal("123.45") and target.version == 2
        assert target.updated_by == manager
        stale = client.post(change_url(target), {"amount": "1", "loaded_version": 1})
        assert stale.status_code == 200
        assert "Someone else changed" in stale.content.decode()
        target.refresh_from_db()
        assert target.amount == Decimal("123.45")

    def test_rep_and_month_are_read_only_once_set(self, manager, rep, other_rep, client_for):
        target = SalesTargetFactory(rep=rep, month=D(2025, 7, 1))
        client_for(manager).post(change_url(target), {
            "amount": "5", "loaded_version": 1, "rep": other_rep.pk, "month": "2026-01"})
        target.refresh_from_db()
        assert (target.rep, target.month, target.amount) == (rep, D(2025, 7, 1), 5)

    def test_delete_action_goes_through_the_service(self, manager, rep, client_for):
        targets = [SalesTargetFactory(rep=rep, month=D(2025, m, 1)) for m in (1, 2)]
        response = client_for(manager).post(CHANGELIST, {
            "action": "delete_targets", "_selected_action": [t.pk for t in targets]})
        assert response.status_code == 302
        assert not SalesTarget.objects.exists()

    def test_copy_to_next_month_skips_months_already_set(self, manager, rep, client_for):
        january = SalesTargetFactory(rep=rep, month=D(2025, 1, 1), amount=Decimal("100"))
        december = SalesTargetFactory(rep=rep, month=D(2024, 12, 1), amount=Decimal("50"))
        response = client_for(manager).post(CHANGELIST, {
            "action": "copy_to_next_month", "_selected_action": [january.pk, december.pk]},
            follow=True)
        months = dict(SalesTarget.objects.values_list("month", "amount"))
        assert months == {D(2024, 12, 1): Decimal("50"), D(2025, 1, 1): Decimal("100"),
                          D(2025, 2, 1): Decimal("100")}
        body = response.content.decode()
        assert "1 target copied" in body and "1 target skipped" in body

    def test_a_second_manager_sees_every_target(self, rep, other_rep, client_for):
        SalesTargetFactory(rep=rep, month=D(2025, 1, 1))
        SalesTargetFactory(rep=other_rep, month=D(2025, 1, 1))
        response = client_for(ManagerFactory(username="boss2")).get(CHANGELIST)
        assert response.context["cl"].result_count == 2
