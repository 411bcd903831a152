"""Customer value: the BG/NBD and Gamma-Gamma models against integration, simulation and
parameter recovery, and customer_values over the ledger."""

import datetime as dt
import itertools
from decimal import Decimal

import numpy as np
import pytest
from scipy import integrate, stats

from analytics.value import (
    BgNbd, GammaGamma, customer_values, fit_bgnbd, fit_gamma_gamma,
)
from customers.models import Purchase
from tests.factories import CustomerFactory, ProductFactory

D = dt.date
TRUE = BgNbd(r=0.8, alpha=40.0, a=0.8, b=2.5)


def simulate(model: BgNbd, ages, rng, horizon=0.0):
    """Purchase histories drawn from the model: repeat purchases x, time of the last t_x
    within each customer's age T (days since the first purchase), and purchases in the
    `horizon` days after T."""
    n = len(ages)
    rate = rng.gamma(model.r, 1 / model.alpha, n)
    dropout = rng.beta(model.a, model.b, n)
    x, t_x, later = np.zeros(n), np.zeros(n), np.zeros(n)
    t, alive = np.zeros(n), np.ones(n, dtype=bool)
    while alive.any():
        t = t + rng.exponential(1 / rate)
        within = alive & (t <= ages)
        x[within] += 1
        t_x[within] = t[within]
        after = alive & (t > ages) & (t <= ages + horizon)
        later[after] += 1
        alive = (within | after) & (rng.random(n) >= dropout)
    return x, t_x, later


def likelihood_by_integration(model: BgNbd, x, t_x, T) -> float:
    """P(history) integrated over each customer's own purchase rate λ and dropout p."""
    rate = stats.gamma(model.r, scale=1 / model.alpha)
    dropout = stats.beta(model.a, model.b)

    def over_rate(f):
        # Rates above 1 a day contribute nothing at these ages; a finite range lets quad
        # find the narrow peak.
        return integrate.quad(lambda lam: f(lam) * rate.pdf(lam), 0, 1, limit=500,
                              epsabs=0, epsrel=1e-10)[0]

    def over_dropout(f):
        return integrate.quad(lambda p: f(p) * dropout.pdf(p), 0, 1, limit=500,
                              epsabs=0, epsrel=1e-10)[0]

    alive = over_dropout(lambda p: (1 - p) ** x) * over_rate(
        lambda lam: lam ** x * np.exp(-lam * T))
    if x == 0:
        return alive
    gone = over_dropout(lambda p: p * (1 - p) ** (x - 1)) * over_rate(
        lambda lam: lam ** x * np.exp(-lam * t_x))
    return alive + gone


@pytest.mark.parametrize(("x", "t_x", "T"), [(0, 0, 30), (1, 12, 30), (4, 80, 200),
                                              (10, 150, 400)])
def test_bgnbd_likelihood_matches_numerical_integration(x, t_x, T):
    closed_form = np.exp(TRUE.log_likelihood(x, t_x, T))
    assert closed_form == pytest.approx(likelihood_by_integration(TRUE, x, t_x, T), rel=1e-5)


def test_nothing_observed_has_probability_one():
    assert TRUE.log_likelihood(0, 0, 0) == pytest.approx(0.0)


def test_a_customer_without_repeat_purchases_is_alive():
    assert TRUE.probability_alive(0, 0, 365) == 1.0
    assert 0 < TRUE.probability_alive(3, 10, 365) < TRUE.probability_alive(3, 360, 365) < 1


def test_expected_purchases_start_at_zero_and_grow_with_the_horizon():
    history = (3, 100, 200)
    values = [TRUE.expected_purchases(t, *history) for t in (0, 30, 90, 365, 3650)]
    assert values[0] == pytest.approx(0.0)
    assert all(a < b for a, b in itertools.pairwise(values))


def test_a_new_customer_expects_what_the_population_does():
    assert TRUE.expected_purchases(365, 0, 0, 0) == pytest.approx(
        TRUE.expected_purchases_of_new_customer(365))


def test_expected_purchases_of_a_new_customer_match_simulation():
    rng = np.random.default_rng(7)
    _, _, later = simulate(TRUE, np.zeros(200_000), rng, horizon=365)
    assert TRUE.expected_purchases_of_new_customer(365) == pytest.approx(later.mean(), rel=0.02)


def test_conditional_expectations_add_up_to_what_customers_then_buy():
    rng = np.random.default_rng(11)
    ages = rng.uniform(100, 700, 20_000).round()
    x, t_x, later = simulate(TRUE, ages, rng, horizon=365)
    expected = TRUE.expected_purchases(365, x, t_x, ages)
    assert expected.sum() == pytest.approx(later.sum(), rel=0.04)
    # …and per group: the frequent buyers' forecast is right too, not only the total.
    frequent = x >= 10
    assert expected[frequent].sum() == pytest.approx(later[frequent].sum(), rel=0.08)


def test_forecasts_stay_right_when_customers_almost_never_drop_out():
    # Parameters a small ledger fitted (a and b in the thousands): one of the two forms of
    # the hypergeometric term overflows there, and the forecast fell back to the other.
    loyal = BgNbd(r=3.0, alpha=160.0, a=970.0, b=2550.0)
    rng = np.random.default_rng(5)
    ages = rng.uniform(100, 400, 20_000).round()
    x, t_x, later = simulate(loyal, ages, rng, horizon=365)
    expected = loyal.expected_purchases(365, x, t_x, ages)
    assert np.all(np.isfinite(expected))
    assert expected.sum() == pytest.approx(later.sum(), rel=0.04)


def test_frequent_recent_buyers_expect_more_than_long_inactive_ones():
    recent = TRUE.expected_purchases(365, 12, 360, 365)
    inactive = TRUE.expected_purchases(365, 12, 30, 365)
    once = TRUE.expected_purchases(365, 0, 0, 365)
    assert recent > once > 0 and recent > inactive > 0


def test_extreme_histories_give_finite_forecasts():
    x = np.array([0, 1, 500, 2000, 3])
    t_x = np.array([0, 0, 999, 1000, 1])
    T = np.array([0, 1000, 1000, 1000, 5000])
    for value in (TRUE.expected_purchases(365, x, t_x, T), TRUE.probability_alive(x, t_x, T),
                  TRUE.log_likelihood(x, t_x, T)):
        assert np.all(np.isfinite(value))


def test_bgnbd_recovers_the_parameters_it_was_drawn_from():
    rng = np.random.default_rng(3)
    ages = rng.uniform(200, 700, 8000).round()
    x, t_x, _ = simulate(TRUE, ages, rng)
    fitted = fit_bgnbd(x, t_x, ages)
    assert all(value > 0 for value in (fitted.r, fitted.alpha, fitted.a, fitted.b))
    assert fitted.r / fitted.alpha == pytest.approx(TRUE.r / TRUE.alpha, rel=0.1)
    assert fitted.r == pytest.approx(TRUE.r, rel=0.2)
    assert fitted.a / (fitted.a + fitted.b) == pytest.approx(TRUE.a / (TRUE.a + TRUE.b),
                                                             rel=0.25)


def test_fitting_with_weights_equals_fitting_repeated_rows():
    x, t_x, T = np.array([0, 2, 5, 1]), np.array([0, 50, 90, 10]), np.array([100, 100, 120, 60])
    repeated = fit_bgnbd(np.repeat(x, [3, 1, 2, 1]), np.repeat(t_x, [3, 1, 2, 1]),
                         np.repeat(T, [3, 1, 2, 1]))
    weighted = fit_bgnbd(x, t_x, T, weights=[3, 1, 2, 1])
    assert weighted.r == pytest.approx(repeated.r, rel=1e-3)


SPEND = GammaGamma(p=6.0, q=4.0, gamma=300.0)


def test_expected_spend_shrinks_the_own_average_towards_the_population_mean():
    assert SPEND.mean_spend == pytest.approx(600.0)
    few, many = SPEND.expected_average_spend([2, 50], [2000.0, 2000.0])
    assert SPEND.mean_spend < few < many < 2000.0
    assert SPEND.expected_average_spend(3, SPEND.mean_spend) == pytest.approx(600.0)


def test_gamma_gamma_recovers_the_population_mean_spend():
    rng = np.random.default_rng(5)
    scale = rng.gamma(SPEND.q, 1 / SPEND.gamma, 5000)
    counts = rng.integers(2, 12, 5000)
    averages = np.array([rng.gamma(SPEND.p, 1 / v, k).mean() for v, k in zip(scale, counts)])
    fitted = fit_gamma_gamma(counts, averages)
    assert fitted.p > 0 and fitted.q > 1 and fitted.gamma > 0
    assert fitted.mean_spend == pytest.approx(SPEND.mean_spend, rel=0.1)
    assert np.all(np.isfinite(SPEND.log_likelihood(counts, averages)))


AS_OF = D(2024, 12, 31)


def _ledger(owner, histories, product):
    """Customers whose purchase days are given as days before AS_OF."""
    customers, purchases = [], []
    for days_ago, price in histories:
        customer = CustomerFactory(owner=owner, acquired_on=D(2020, 1, 1))
        customers.append(customer)
        purchases += [Purchase(customer=customer, product=product, quantity=1,
                               unit_price=Decimal(price),
                               purchased_on=AS_OF - dt.timedelta(days=ago)) for ago in days_ago]
    Purchase.objects.bulk_create(purchases)
    return customers


@pytest.mark.django_db
def test_customer_values_from_the_ledger(rep, other_rep):
    rng = np.random.default_rng(2)
    product = ProductFactory()
    histories = []
    for _ in range(40):
        days = sorted({int(d) for d in rng.integers(0, 700, rng.integers(1, 8))}, reverse=True)
        histories.append((days, f"{rng.integers(100, 10_000) / 100:.2f}"))
    _ledger(other_rep, histories, product)
    recent, inactive = _ledger(rep, [
        (list(range(700, 0, -50)), "80.00"),   # every 50 days, the last 50 days ago…
        (list(range(700, 600, -7)), "80.00"),  # …weekly for 100 days, then silent 600 days
    ], product)
    result = customer_values(as_of=AS_OF)
    model = result.model
    assert model is not None and model.customers == 42
    assert all(v > 0 for v in (model.purchases.r, model.purchases.alpha, model.purchases.a,
                               model.purchases.b, model.spend.p, model.spend.gamma))
    assert model.spend.q > 1
    frame = result.frame.set_index("customer_id")
    assert len(frame) == 42
    assert np.all(np.isfinite(frame[["probability_alive", "expected_purchases",
                                     "expected_average_spend", "expected_value"]]))
    assert frame.loc[recent.pk, "historic_value"] == 14 * 80.0
    assert frame.loc[recent.pk, "cents"] == 112_000
    assert frame.loc[recent.pk, "expected_purchases"] > frame.loc[
        inactive.pk, "expected_purchases"]
    assert frame.loc[recent.pk, "expected_value"] > frame.loc[inactive.pk, "expected_value"]

    # One owner's forecast uses the parameters fitted to every customer.
    mine = customer_values(as_of=AS_OF, owner=rep)
    assert mine.model == model
    assert sorted(mine.frame["customer_id"]) == sorted([recent.pk, inactive.pk])


@pytest.mark.django_db
def test_customer_values_without_enough_data_give_history_only(rep):
    customer, = _ledger(rep, [([10, 3], "12.34")], ProductFactory())
    result = customer_values(as_of=AS_OF)
    assert result.model is None
    row = result.frame.iloc[0]
    assert row["customer_id"] == customer.pk and row["historic_value"] == 24.68
    assert row["purchase_days"] == 2 and row["days_since_last"] == 3
    assert np.isnan(row["expected_value"])
    # Purchases after the as-of date are not history yet.
    assert customer_values(as_of=AS_OF - dt.timedelta(days=5)).frame["cents"].tolist() == [1234]
