"""Typed, frozen metadata for indicators, missions and areas: the vocabulary every module shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum


class Polarity(IntEnum):
    """+1 higher is better, −1 lower is better, 0 contextual (no judgement)."""

    LOWER_IS_BETTER = -1
    CONTEXTUAL = 0
    HIGHER_IS_BETTER = 1


class Role(str, Enum):
    HEADLINE = "headline"
    SUPPORTING = "supporting"
    CONTEXT = "context"


class LocalControl(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Tier(str, Enum):
    LTLA = "ltla"
    UTLA = "utla"
    CAUTH = "cauth"
    REGION = "region"
    NATION = "nation"


class Rag(str, Enum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    GREY = "grey"


CAPITALS: tuple[str, ...] = ("physical", "human", "intangible", "financial", "social", "institutional")
LOCAL_CONTROL_WEIGHT: dict[LocalControl, float] = {
    LocalControl.HIGH: 1.0,
    LocalControl.MEDIUM: 0.5,
    LocalControl.LOW: 0.25,
}
NATIONS: dict[str, str] = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
LOWER_TIER_PREFIXES: tuple[str, ...] = ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
# Extreme small areas left out when benchmarks are derived (data-survey §7 trap 3).
BENCHMARK_EXCLUDED: frozenset[str] = frozenset({"E09000001", "E06000053"})


@dataclass(frozen=True, slots=True)
class IndicatorMeta:
    """One registry row. ``nations`` and period coverage are filled in by the data build."""

    id: str
    label: str
    description: str
    unit: str
    decimals: int
    polarity: Polarity
    mission: int | None
    capital: str | None
    role: Role
    local_control: LocalControl
    value_type: str
    source_org: str
    source_url: str
    caveats: str = ""
    mission_target: float | None = None
    mission_target_note: str = ""
    people_base: str = ""
    geography: str = "ltla"
    nations: tuple[str, ...] = ()
    first_period: str = ""
    last_period: str = ""
    boundary_note: str = ""
    source_caveats: str = ""
    source_date: str = ""
    has_ci: bool = False
    local: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.decimals <= 4:
            raise ValueError(f"{self.id}: decimals must be 0-4, got {self.decimals}")
        if self.mission is not None and not 1 <= self.mission <= 12:
            raise ValueError(f"{self.id}: mission must be 1-12, got {self.mission}")
        if self.capital is not None and self.capital not in CAPITALS:
            raise ValueError(f"{self.id}: capital must be one of {CAPITALS}, got {self.capital!r}")

    @property
    def shown_label(self) -> str:
        """The label every page and export shows: a council's own metrics are marked "(local)"."""
        return self.label + (" (local)" if self.local else "")

    @property
    def scorable(self) -> bool:
        """Polarity set and a mission to score against; context metrics are shown, never scored."""
        return self.polarity != Polarity.CONTEXTUAL and self.role != Role.CONTEXT and self.mission is not None

    @property
    def is_percentage(self) -> bool:
        return self.value_type == "percentage"


@dataclass(frozen=True, slots=True)
class Mission:
    number: int
    short_name: str
    ambition: str
    local_gap: str = ""
    applies_to: tuple[str, ...] = ()  # nation letters the mission is for; () = the whole UK
    not_applicable_note: str = ""  # why it does not apply elsewhere (shown instead of "no local measure")

    def applies(self, area_code: str) -> bool:
        """Whether the mission applies to an area (mission 12, devolution, is for England only)."""
        return not self.applies_to or area_code[:1] in self.applies_to

    @property
    def title(self) -> str:
        return f"Mission {self.number}: {self.short_name}"


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str
    tier: Tier
    nation: str
    region: str = ""
    utla_code: str = ""
    utla_name: str = ""
    cauth_code: str = ""
    cauth_name: str = ""
    population: float | None = None
    land_area_ha: float | None = None
    current: bool = True
    children: tuple[str, ...] = field(default=())

