"""What one dashboard request covers: a period and whose customers."""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.periods import Period


@dataclass(frozen=True, slots=True)
class Scope:
    """The period and the owner whose customers count (None: every live customer).

    `preset` names the period preset the user chose (None for a custom range), and
    `owner_chosen` says whether the owner came from the manager's filter (a rep's scope is
    always their own customers, without asking). Neither changes the figures, so neither is
    part of `key`: a preset and the same dates typed by hand share their cached figures.
    """

    period: Period
    owner_id: int | None = None
    preset: str | None = None
    owner_chosen: bool = field(default=False, compare=False)

    @property
    def key(self) -> str:
        owner = "all" if self.owner_id is None else str(self.owner_id)
        return f"{self.period.start.isoformat()}:{self.period.end.isoformat()}:{owner}"

    def query(self) -> dict[str, str]:
        """The GET parameters that give this scope again (shareable links)."""
        if self.preset:
            params = {"period": self.preset}
        else:
            params = {"period": "custom", "start": self.period.start.isoformat(),
                      "end": self.period.end.isoformat()}
        if self.owner_chosen and self.owner_id is not None:
            params["owner"] = str(self.owner_id)
        return params

    def with_period(self, period: Period) -> Scope:
        """The same owner over another period, given as a custom range."""
        return Scope(period=period, owner_id=self.owner_id, preset=None,
                     owner_chosen=self.owner_chosen)
