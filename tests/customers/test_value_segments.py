"""The customers' value segments: the bulk write service, the model's rule, where they show."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.services import customers_set_value_segments
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

AT = dt.datetime(2025, 6, 1, 2, 0, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(days=1)


def state(*customers):
    return {c.pk: (c.value_segment, c.value_segment_at)
            for c in Customer.all_objects.filter(pk__in=[c.pk for c in customers])}


class TestBulkWrite:
    def test_writes_the_mapping_and_clears_everyone_else(self, rep):
        a, b, c = CustomerFactory.create_batch(3, owner=rep)
        stale = CustomerFactory(owner=rep, value_segment="lost", value_segment_at=AT)
        written = customers_set_value_segments(
            segments={a.pk: "champions", b.pk: "lost"}, computed_at=LATER)
        assert state(a, b, c, stale) == {
            a.pk: ("champions", LATER), b.pk: ("lost", LATER), c.pk: ("", None),
            stale.pk: ("", LATER),
        }
        assert written.changed == 2 and written.cleared == 1
        assert written.segments["champions"] == 1 and written.segments["lost"] == 1
        assert list(written.segments) == list(Customer.ValueSegment.values)

    def test_unchanged_segments_keep_their_date(self, rep):
        a, b = CustomerFactory.create_batch(2, owner=rep)
        customers_set_value_segments(segments={a.pk: "loyal", b.pk: "new"}, computed_at=AT)
        written = customers_set_value_segments(segments={a.pk: "loyal", b.pk: "promising"},
                                               computed_at=LATER)
        assert state(a, b) == {a.pk: ("loyal", AT), b.pk: ("promising", LATER)}
        assert written.changed == 1 and written.cleared == 0

    def test_version_and_updated_at_are_untouched(self, rep):
        customer = CustomerFactory(owner=rep)
        before = Customer.objects.values_list("version", "updated_at").get(pk=customer.pk)
        customers_set_value_segments(segments={customer.pk: "at_risk"}, computed_at=AT)
        customers_set_value_segments(segments={}, computed_at=LATER)
        after = Customer.objects.values_list("version", "updated_at").get(pk=customer.pk)
        assert after == before

    def test_deleted_customers_are_cleared_too(self, rep):
        gone = CustomerFactory(owner=rep, deleted_at=AT, value_segment="loyal",
                               value_segment_at=AT)
        customers_set_value_segments(segments={}, computed_at=LATER)
        assert state(gone) == {gone.pk: ("", LATER)}

    def test_unknown_segment_writes_nothing(self, rep):
        a, b = CustomerFactory.create_batch(2, owner=rep)
        customers_set_value_segments(segments={a.pk: "loyal"}, computed_at=AT)
        with pytest.raises(ValidationError) as error:
            customers_set_value_segments(segments={a.pk: "champions", b.pk: "whales"},
                                         computed_at=LATER)
        assert error.value.code == "unknown_segment"
        assert "whales" in error.value.messages[0]
        assert state(a, b) == {a.pk: ("loyal", AT), b.pk: ("", None)}

    @pytest.mark.parametrize("segment", ["", "Loyal", None])
    def test_blank_or_odd_keys_are_unknown(self, rep, segment):
        customer = CustomerFactory(owner=rep)
        with pytest.raises(ValidationError):
            customers_set_value_segments(segments={customer.pk: segment}, computed_at=AT)

    def test_ids_that_are_not_numbers_write_nothing(self, rep):
        customer = CustomerFactory(owner=rep)
        customers_set_value_segments(segments={customer.pk: "new"}, computed_at=AT)
        with pytest.raises(ValidationError):
            customers_set_value_segments(segments={"x": "loyal"}, computed_at=LATER)
        assert state(customer) == {customer.pk: ("new", AT)}
        # The connection is usable afterwards, and the stage table is gone.
        customers_set_value_segments(segments={customer.pk: "lost"}, computed_at=LATER)
        assert state(customer) == {customer.pk: ("lost", LATER)}

    def test_unknown_ids_are_ignored(self, rep):
        customer = CustomerFactory(owner=rep)
        written = customers_set_value_segments(
            segments={customer.pk: "new", customer.pk + 10_000: "loyal"}, computed_at=AT)
        assert written.changed == 1
        assert state(customer) == {customer.pk: ("new", AT)}

    def test_naive_time_is_refused(self, rep):
        with pytest.raises(ValueError):
            customers_set_value_segments(segments={}, computed_at=dt.datetime(2025, 1, 1))

    def test_writes_in_a_fixed_number_of_statements(self, rep, django_assert_max_num_queries):
        ids = [c.pk for c in CustomerFactory.create_batch(50, owner=rep)]
        keys = list(Customer.ValueSegment.values)
        segments = {pk: keys[i % len(keys)] for i, pk in enumerate(ids)}
        # Two savepoints; drop, create, key and analyse the stage; update; clear; drop the
        # stage: the same for fifty customers or a million (COPY is not counted).
        with django_assert_max_num_queries(11):
            customers_set_value_segments(segments=segments, computed_at=AT)
        got = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "value_segment"))
        assert got == segments

    def test_editing_a_customer_keeps_its_segment(self, rep):
        from customers.services import customer_update

        customer = CustomerFactory(owner=rep)
        customers_set_value_segments(segments={customer.pk: "champions"}, computed_at=AT)
        customer_update(customer=customer, actor=rep, expected_version=customer.version,
                        name="Renamed")
        assert state(customer) == {customer.pk: ("champions", AT)}


class TestModel:
    def test_choices_are_checked_by_the_database(self, rep):
        customer = CustomerFactory(owner=rep)
        with pytest.raises(IntegrityError), transaction.atomic():
            Customer.objects.filter(pk=customer.pk).update(value_segment="whales")

    def test_bulk_inserts_without_the_column_get_blank(self, rep):
        # Imports and demo data insert with explicit column lists (the database default).
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO customers_customer (kind, name, gender, phone, phone_normalized, "
                "email, email_normalized, company, industry, province, city, address, source, "
                "level, status, acquired_on, marketing_opt_out, notes, external_id, version, "
                "created_at, updated_at) VALUES ('person', 'Raw', '', '', '', '', '', '', '', "
                "'', '', '', '', 'C', 'potential', '2025-01-01', false, '', '', 1, now(), now()) "
                "RETURNING value_segment, value_segment_at")
            assert cursor.fetchone() == ("", None)

    def test_segment_index_exists(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes "
                           "WHERE indexname = 'customer_segment_created_idx'")
            (definition,) = cursor.fetchone()
        assert "WHERE" in definition and "deleted_at IS NULL" in definition

    def test_label(self, rep):
        assert CustomerFactory(owner=rep, value_segment="cannot_lose").value_segment_label == \
            "Cannot lose them"
        assert CustomerFactory(owner=rep).value_segment_label == ""


class TestDetailPage:
    def test_shows_the_segment_as_a_badge_linking_to_its_customers(self, rep, client_for):
        customer = CustomerFactory(owner=rep, value_segment="loyal",
                                   value_segment_at=timezone.now())
        body = client_for(rep).get(customer.get_absolute_url()).content.decode()
        assert "segment-badge" in body and "Loyal" in body
        assert f'{reverse("customers:list")}?segment=loyal' in body

    def test_no_badge_without_a_segment(self, rep, client_for):
        never = CustomerFactory(owner=rep)
        idle = CustomerFactory(owner=rep, value_segment_at=timezone.now())
        body = client_for(rep).get(never.get_absolute_url()).content.decode()
        assert "segment-badge" not in body and "Not computed yet" in body
        body = client_for(rep).get(idle.get_absolute_url()).content.decode()
        assert "No purchase in the last 12 months" in body

    def test_admin_shows_the_segment_read_only(self, manager, rep, client_for):
        customer = CustomerFactory(owner=rep, value_segment="new", value_segment_at=AT)
        response = client_for(manager).get(
            reverse("admin:customers_customer_change", args=[customer.pk]))
        assert response.status_code == 200
        assert "value_segment" not in response.context["adminform"].form.fields
        assert "New" in response.content.decode()
