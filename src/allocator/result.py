"""What every solve returns: a status, the proven figures and the plan, whatever the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from allocator.solution import Solution


class Status(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"  # proven best plan (objective = floor of the bound)
    FEASIBLE = "feasible"  # a plan, with a proven gap (time limit reached)
    INFEASIBLE = "infeasible"  # proven: no plan satisfies every constraint
    NO_SOLUTION = "no_solution"  # no plan found in the time limit, none proven impossible
    INVALID = "invalid"  # the input could not be turned into a problem

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass(frozen=True)
class Result:
    """The outcome of one solve.

    ``objective`` is the plan's total score minus soft penalties (recomputed by the
    :class:`Solution`); ``bound`` the best proven upper bound on it; ``gap`` their relative
    distance; ``cost`` the plan's spending in VND; ``cost_floor`` the least any plan of the
    same (proven best) objective can spend, proven — equal to ``cost`` when the plan is proven
    the cheapest of them, None when not known.
    """

    status: Status
    engine: str
    runtime_s: float
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    cost: int | None = None
    cost_floor: int | None = None
    solution: Solution | None = None
    message: str = ""
    stats: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The figures of ``summary.json`` that describe the solve itself."""
        return {
            "status": self.status.value,
            "objective": self.objective,
            "cost": self.cost,
            "cost_floor": self.cost_floor,
            "bound": self.bound,
            "gap": self.gap,
            "runtime_s": round(self.runtime_s, 3),
            "engine": self.engine,
            "message": self.message,
        }


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``(bound − objective) / max(1, |objective|)``, 0 when optimal."""
    if objective is None or bound is None:
        return None
    return max(0.0, bound - objective) / max(1.0, abs(objective))


def objective_note(status: Status, objective: float | None, bound: float | None) -> str:
    """What a plan that is not proven best is known to be, in words ("" for the others)."""
    if status is not Status.FEASIBLE or objective is None:
        return ""
    if bound is None:
        return "no bound: how far this plan is from the best one is not known"
    room = max(0.0, bound - objective)
    if room <= 1e-9 * max(1.0, abs(objective)):
        return "the objective is the best possible; the cost and the tie-break were not optimised"
    return (f"not proven the best: a plan may score up to {room:,.0f} more; a longer time "
            "limit (--time-limit) may find it or prove this one the best")


def cost_note(cost: int | None, floor: int | None) -> str:
    """What is proven about a plan's cost among the plans of its objective, in words ("" when
    nothing is)."""
    if cost is None or floor is None:
        return ""
    if floor >= cost:
        return "proven the least of any plan with this objective"
    return f"a plan with this objective spends at least {floor:,}: at most {cost - floor:,} less"
