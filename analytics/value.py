"""Customer value: what each customer has spent so far, and what they are expected to spend in
the next 12 months (customer potential 客户潜力, SPEC §4 "predictive measures").

Historic value is Σ amount of all the customer's purchases up to the as-of date, exact.

The forecast combines two standard "buy till you die" models, fitted by maximum likelihood:

- **BG/NBD** (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive, a
  customer buys at a Poisson rate λ ~ Gamma(r, α); after each purchase they leave for good
  with probability p ~ Beta(a, b). From a customer's x repeat purchases, the age t_x of the
  last one and their own age T it gives the probability they are still a customer and the
  expected number of purchases in the next t days.
- **Gamma-Gamma** (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves"): the
  spend per purchase varies around a customer's own mean, and those means vary across
  customers; the expected mean spend of a customer shrinks their observed average towards the
  population's, the less so the more purchases they have made.

Expected value over the horizon = expected purchases × expected spend per purchase,
undiscounted. A purchase here is a purchase *day* (several ledger lines on one day are one
visit), as in the RFM frequency; x = purchase days − 1, t_x and T are counted in days from
the first purchase day, and the spend of a purchase day is the day's Σ amount. The spend model
averages over all purchase days, the first included, and is fitted on customers with at least
two.

Why written here instead of imported: `lifetimes` has been unmaintained since 2020 and its
fork `btyd` stopped at a 2022 beta, neither tested against current pandas and NumPy;
PyMC-Marketing is maintained but brings PyMC and PyTensor, a compiler toolchain, to estimate
seven numbers. Both likelihoods are a few lines over `scipy.special`, and the tests check them
against numerical integration, simulation and parameter recovery. The expected-purchases
formula uses Euler's transformation of the hypergeometric function, which keeps its arguments
small for frequent buyers, where the textbook form overflows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from analytics import loading

HORIZON_DAYS = 365
# Population parameters settle long before a million customers; a fixed-seed sample keeps the
# fit to a few seconds and the result reproducible.
FIT_SAMPLE_SIZE = 100_000
MIN_CUSTOMERS_TO_FIT = 20
MIN_REPEAT_CUSTOMERS_TO_FIT = 10
_LOG_BOUNDS = (-12.0, 12.0)


@dataclass(frozen=True, slots=True)
class BgNbd:
    """BG/NBD parameters: purchase rate λ ~ Gamma(shape r, rate α) per day while alive, and
    dropout probability after each purchase p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def log_likelihood(self, x, t_x, T) -> np.ndarray:
        """ln P(x repeat purchases, the last at t_x, observed until T) for each customer."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
        still_alive = (special.betaln(a, b + x) - special.betaln(a, b)
                       - (r + x) * np.log(alpha + T))
        # Gone after the last purchase: only possible once there was a repeat purchase.
        repeat = np.maximum(x, 1.0)
        gone = (special.betaln(a + 1, b + repeat - 1) - special.betaln(a, b)
                - (r + x) * np.log(alpha + t_x))
        return common + np.logaddexp(still_alive, np.where(x > 0, gone, -np.inf))

    def _log_dropout_odds(self, x, t_x, T) -> np.ndarray:
        """ln of the odds that a customer with this history has left (−inf when x = 0)."""
        repeat = np.maximum(x, 1.0)
        odds = (np.log(self.a) - np.log(self.b + repeat - 1)
                + (self.r + x) * (np.log(self.alpha + T) - np.log(self.alpha + t_x)))
        return np.where(x > 0, odds, -np.inf)

    def probability_alive(self, x, t_x, T) -> np.ndarray:
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        return special.expit(-self._log_dropout_odds(x, t_x, T))

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray:
        """Expected purchases in the next `t` days of a customer with this history."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        r, alpha, b = self.r, self.alpha, self.b
        a = self.a if abs(self.a - 1) > 1e-9 else 1 + 1e-9  # the formula's removable pole
        c = a + b + x - 1
        z = t / (alpha + T + t)
        # (1 − z)^(r+x) · ₂F₁(r+x, b+x; c; z). Where SciPy cannot evaluate that, the same
        # value by Euler's transformation, (1 − z)^(a−1) · ₂F₁(a+b−1−r, a−1; c; z); neither
        # form alone is finite everywhere (the second overflows when a is in the hundreds).
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            direct = (1 - z) ** (r + x) * special.hyp2f1(r + x, b + x, c, z)
            euler = (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, c, z)
        remaining = np.where(np.isfinite(direct), direct, euler)
        expected_if_alive = c / (a - 1) * (1 - remaining)
        return expected_if_alive * special.expit(-self._log_dropout_odds(x, t_x, T))

    def expected_purchases_of_new_customer(self, t) -> float:
        """E[X(t)]: expected purchases in the first `t` days after a first purchase."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = t / (alpha + t)
        return float((a + b - 1) / (a - 1) * (
            1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, z)))


@dataclass(frozen=True, slots=True)
class GammaGamma:
    """Gamma-Gamma parameters: spend per purchase ~ Gamma(p, ν) around a customer's mean p/ν,
    with ν ~ Gamma(shape q, rate γ) across customers (q > 1, so the mean is finite)."""

    p: float
    q: float
    gamma: float

    @property
    def mean_spend(self) -> float:
        """The population's mean spend per purchase."""
        return self.p * self.gamma / (self.q - 1)

    def log_likelihood(self, frequency, average_spend) -> np.ndarray:
        """ln density of each customer's average spend over `frequency` purchases."""
        p, q, gamma = self.p, self.q, self.gamma
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(average_spend, dtype=float)
        return (special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q)
                + q * np.log(gamma) + p * x * np.log(x) + (p * x - 1) * np.log(m)
                - (p * x + q) * np.log(gamma + x * m))

    def expected_average_spend(self, frequency, average_spend) -> np.ndarray:
        """A customer's expected spend per future purchase given their history."""
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(average_spend, dtype=float)
        return self.p * (self.gamma + x * m) / (self.p * x + self.q - 1)


def _maximise(log_likelihood, start: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The parameters (searched on a log scale) that maximise the weighted log-likelihood."""
    total = weights.sum()

    def loss(theta):
        values = log_likelihood(theta)
        if not np.all(np.isfinite(values)):
            return 1e12
        return -float(weights @ values) / total

    result = optimize.minimize(loss, start, method="L-BFGS-B",
                               bounds=[_LOG_BOUNDS] * len(start))
    if not np.all(np.isfinite(result.x)):
        raise ArithmeticError("The likelihood could not be maximised.")
    return result.x


def _distinct(columns: dict[str, np.ndarray], weights) -> tuple[dict[str, np.ndarray],
                                                                   np.ndarray]:
    """The distinct rows of `columns` with their summed weights: customers with the same
    history share one likelihood evaluation."""
    frame = pd.DataFrame(columns).assign(
        weight=1.0 if weights is None else np.asarray(weights, dtype=float))
    grouped = frame.groupby(list(columns), sort=False, as_index=False)["weight"].sum()
    return {name: grouped[name].to_numpy(float) for name in columns}, grouped["weight"].to_numpy()


def fit_bgnbd(x, t_x, T, *, weights=None) -> BgNbd:
    """Maximum-likelihood BG/NBD parameters for customers with these histories (days)."""
    data, w = _distinct({"x": np.asarray(x), "t_x": np.asarray(t_x), "T": np.asarray(T)},
                        weights)
    start = np.log([1.0, max(float(np.average(data["T"], weights=w)), 1.0), 1.0, 1.0])

    def log_likelihood(theta):
        return BgNbd(*np.exp(theta)).log_likelihood(data["x"], data["t_x"], data["T"])

    return BgNbd(*(float(v) for v in np.exp(_maximise(log_likelihood, start, w))))


def fit_gamma_gamma(frequency, average_spend, *, weights=None) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma parameters (q searched as 1 + eˢ, so q > 1)."""
    data, w = _distinct({"x": np.asarray(frequency), "m": np.asarray(average_spend)}, weights)
    start = np.array([0.0, 0.0, np.log(max(float(np.average(data["m"], weights=w)), 1e-6))])

    def model(theta) -> GammaGamma:
        return GammaGamma(p=float(np.exp(theta[0])), q=1 + float(np.exp(theta[1])),
                          gamma=float(np.exp(theta[2])))

    def log_likelihood(theta):
        return model(theta).log_likelihood(data["x"], data["m"])

    return model(_maximise(log_likelihood, start, w))


@dataclass(frozen=True, slots=True)
class ValueModel:
    """A fitted forecast: purchases by BG/NBD, spend per purchase by Gamma-Gamma."""

    purchases: BgNbd
    spend: GammaGamma
    customers: int  # how many customers' histories the fit used

    def predict(self, history: pd.DataFrame, horizon_days: int = HORIZON_DAYS) -> pd.DataFrame:
        """`history` (loading.HISTORY_COLUMNS) with probability_alive, expected_purchases,
        expected_average_spend and expected_value over the next `horizon_days` added."""
        x, t_x, T, m = _model_inputs(history)
        purchases = self.purchases.expected_purchases(horizon_days, x, t_x, T)
        spend = self.spend.expected_average_spend(x + 1, m)
        return history.assign(
            probability_alive=self.purchases.probability_alive(x, t_x, T),
            expected_purchases=purchases,
            expected_average_spend=spend,
            expected_value=purchases * spend,
        )


def _model_inputs(history: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """x (repeat purchase days), t_x, T (days) and the average spend per purchase day."""
    days = history["purchase_days"].to_numpy(float)
    T = history["days_since_first"].to_numpy(float)
    t_x = T - history["days_since_last"].to_numpy(float)
    m = history["cents"].to_numpy(float) / 100 / days
    return days - 1, t_x, T, m


def fit_value_model(history: pd.DataFrame, *, sample_size: int = FIT_SAMPLE_SIZE,
                    seed: int = 0) -> ValueModel | None:
    """Fit both models to the customers in `history` (at most `sample_size` of them, drawn
    with a fixed seed); None when there are too few customers or repeat buyers to fit."""
    if len(history) > sample_size:
        history = history.sample(n=sample_size, random_state=seed)
    x, t_x, T, m = _model_inputs(history)
    repeat = (x >= 1) & (m > 0)
    if len(history) < MIN_CUSTOMERS_TO_FIT or repeat.sum() < MIN_REPEAT_CUSTOMERS_TO_FIT:
        return None
    return ValueModel(
        purchases=fit_bgnbd(x, t_x, T),
        spend=fit_gamma_gamma(x[repeat] + 1, m[repeat]),
        customers=len(history),
    )


@dataclass(frozen=True, slots=True)
class CustomerValues:
    """Per-customer value as of a date. `frame` has one row per customer with a purchase on
    or before `as_of`: customer_id, purchase_days, days_since_first, days_since_last, cents,
    historic_value, probability_alive, expected_purchases, expected_average_spend and
    expected_value (the last four NaN when `model` is None: too little data to fit)."""

    as_of: dt.date
    horizon_days: int
    frame: pd.DataFrame
    model: ValueModel | None


PREDICTION_COLUMNS = ("probability_alive", "expected_purchases", "expected_average_spend",
                      "expected_value")


def customer_values(*, as_of: dt.date, owner=None, horizon_days: int = HORIZON_DAYS,
                    model: ValueModel | None = None) -> CustomerValues:
    """Historic and expected value of every live customer (or `owner`'s) who has bought.

    The model is fitted to all live customers, not only the owner's, so one rep's forecast
    uses the same population parameters as everyone else's; pass a fitted `model` to reuse it.
    """
    history = loading.history_frame(as_of, owner)
    if model is None:
        population = history if owner is None else loading.history_frame(as_of)
        model = fit_value_model(population)
    history = history.assign(historic_value=history["cents"] / 100)
    if model is None:
        frame = history.assign(**{column: np.nan for column in PREDICTION_COLUMNS})
    else:
        frame = model.predict(history, horizon_days)
    return CustomerValues(as_of=as_of, horizon_days=horizon_days, frame=frame, model=model)
