"""The scenario file: a strict pydantic schema, ``extends`` and :func:`load_scenario`.

A scenario is one YAML file. ``extends: other.yaml`` inherits everything from another scenario
and overrides what the file states: mappings merge deeply, lists are replaced. Paths in ``data``
are relative to the file that names them. Unknown keys are errors, reported with their path.

Every setting has a default; the defaults are the legal values of docs/domain.md (see README).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from allocator.errors import InputError, Issue

Mode = Literal["domestic", "overseas"]
SelectorValue = str | int | float | bool | list[str | int | float | bool]

LEVELS_CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
RATINGS = ("excellent", "good", "complete", "incomplete")
DISCIPLINES = ("none", "under_review", "reprimand", "warning", "demotion", "dismissal")


class Strict(BaseModel):
    """Base of every scenario section: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TableRef(Strict):
    """Where a table lives: a CSV/XLSX path and, for a workbook, the sheet name."""

    path: Path
    sheet: str | None = None


def _table_ref(value: Any) -> Any:
    if isinstance(value, str | Path):
        return {"path": value}
    return value


class DataPaths(Strict):
    """The input tables. A path may name a CSV file or a workbook (sheet named after the table)."""

    candidates: TableRef
    programs: TableRef
    pairs: TableRef | None = None
    history: TableRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _strings_are_paths(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: _table_ref(v) for k, v in data.items()}
        return data


# --------------------------------------------------------------------------------------------
# Rules. Each one is on by default with the legal value; `rule: false` switches it off.
# --------------------------------------------------------------------------------------------


class Rule(Strict):
    """A rule that can be switched off (``enabled: false`` or simply ``rule: false``)."""

    enabled: bool = True

    @model_validator(mode="before")
    @classmethod
    def _bool_shorthand(cls, data: Any) -> Any:
        if isinstance(data, bool):
            return {"enabled": data}
        return data


class ModalRule(Rule):
    """A rule that applies to the programmes of the listed modes (overseas by default)."""

    modes: list[Mode] = ["overseas"]


class RetirementRule(Rule):
    """Decree 135/2020/ND-CP retirement schedule; nobody attends a programme starting after it.

    The age is ``start_months`` (in months) in ``start_year``, rising by ``step_months`` a year
    until ``final_months``; before ``start_year`` it is ``before_months``.
    """

    men_start_months: int = 60 * 12 + 3
    men_step_months: int = 3
    men_final_months: int = 62 * 12
    men_before_months: int = 60 * 12
    women_start_months: int = 55 * 12 + 4
    women_step_months: int = 4
    women_final_months: int = 60 * 12
    women_before_months: int = 55 * 12
    start_year: int = 2021


class MonthsBeforeRetirementRule(ModalRule):
    """Months left before retirement at the programme's start (Decree 101/2017 art. 8)."""

    short_months: int = 18
    long_months: int = 24
    long_from_days: int = 30  # a programme of this many days or more counts as "a month or more"


class MonthsInPostRule(ModalRule):
    """Months left in a leadership post (``leader_term_end``) at the programme's start."""

    short_months: int = 18
    long_months: int = 24
    long_from_days: int = 30


class MinRatingRule(ModalRule):
    """The previous year's rating must be at least ``level`` (``good`` = hoàn thành tốt)."""

    level: Literal["excellent", "good", "complete", "incomplete"] = "good"


class DisciplineRule(ModalRule):
    """Not under review and not serving a sanction of ``worst_allowed``'s successor or heavier."""

    blocked: list[Literal["under_review", "reprimand", "warning", "demotion", "dismissal"]] = [
        "under_review",
        "reprimand",
        "warning",
        "demotion",
        "dismissal",
    ]


class FieldMatchRule(Rule):
    """The programme's field fits the candidate: ``primary``, ``secondary`` or ``planned``.

    ``primary``: the candidate's ``field`` only; ``secondary``: also ``secondary_fields``;
    ``planned`` (default): also the ``planned_field`` of a candidate in leadership planning.
    A programme whose field is ``*`` fits everyone.
    """

    match: Literal["primary", "secondary", "planned"] = "planned"
    modes: list[Mode] = ["domestic", "overseas"]


class TargetLevelsRule(Rule):
    """The candidate's ``position_level`` is among the programme's ``target_levels``."""

    modes: list[Mode] = ["domestic", "overseas"]


class LanguageRule(Rule):
    """A programme's ``language`` must be the candidate's, and its ``min_language_level`` met."""

    modes: list[Mode] = ["domestic", "overseas"]


class CountRule(Rule):
    """A limit on a count: ``limit`` per person (history included); ``rule: 3`` sets it."""

    limit: int = Field(default=2, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _int_shorthand(cls, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"limit": data}
        return data


class Rules(Strict):
    """Eligibility and per-person rules (docs/domain.md); each on by default."""

    retirement: RetirementRule = RetirementRule()
    months_before_retirement: MonthsBeforeRetirementRule = MonthsBeforeRetirementRule()
    months_in_post: MonthsInPostRule = MonthsInPostRule()
    min_rating: MinRatingRule = MinRatingRule()
    discipline: DisciplineRule = DisciplineRule()
    exit_ban: ModalRule = ModalRule()
    health: ModalRule = ModalRule()
    field_match: FieldMatchRule = FieldMatchRule()
    target_levels: TargetLevelsRule = TargetLevelsRule()
    language: LanguageRule = LanguageRule()
    max_programs_per_candidate: int = Field(default=1, ge=1)
    max_programs_per_mode: dict[Mode, int] = {}
    max_overseas_per_year: CountRule = CountRule(limit=2)
    no_consecutive_overseas_years: Rule = Rule()
    short_term_once: Rule = Rule()


# --------------------------------------------------------------------------------------------
# Quotas and budget.
# --------------------------------------------------------------------------------------------


class Share(Strict):
    """``share`` of the selected places must match the sub-selector ``of``."""

    share: float = Field(ge=0, le=1)
    of: dict[str, SelectorValue]


class Proportional(Strict):
    """Each ``per`` group gets its headcount share of the selected places, ± ``tolerance``."""

    tolerance: float = Field(default=0.05, ge=0, le=1)


class Quota(Strict):
    """A bound on the number of places that match ``select`` (separately per ``per`` group)."""

    name: str
    select: dict[str, SelectorValue] = {}
    per: str | list[str] | None = None
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    min_share: Share | None = None
    max_share: Share | None = None
    proportional: Proportional | None = None
    soft: bool = False
    penalty: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Quota:
        if all(
            v is None
            for v in (self.min, self.max, self.min_share, self.max_share, self.proportional)
        ):
            raise ValueError("a quota needs min, max, min_share, max_share or proportional")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} exceeds max {self.max}")
        if self.soft and self.penalty is None:
            raise ValueError("a soft quota needs a penalty (score points per place)")
        if not self.soft and self.penalty is not None:
            raise ValueError("penalty is only meaningful with soft: true")
        if self.proportional is not None and self.per is None:
            raise ValueError("proportional needs per: (the groups that share the places)")
        return self

    @property
    def per_keys(self) -> list[str]:
        """The ``per`` keys as a list (empty when the quota is one group)."""
        if self.per is None:
            return []
        return [self.per] if isinstance(self.per, str) else list(self.per)


class Budget(Strict):
    """Budget envelopes in VND; a source, agency or year not named has no cap of its own."""

    total: int | None = Field(default=None, ge=0)
    by_source: dict[str, int] = {}
    by_agency: dict[str, int] = {}
    by_year: dict[int, int] = {}


# --------------------------------------------------------------------------------------------
# Objective and solver.
# --------------------------------------------------------------------------------------------


class Objective(Strict):
    """How a pair's score is computed when ``pairs.score`` does not give it.

    ``score = round(scale × field_weight × candidate_weight) + preference_bonus[rank]`` where
    ``candidate_weight = priority^use_priority × (1 + planning_bonus if planned_position)
    × level_weights[position_level]`` (default 1). See README, "The score".
    """

    scale: int = Field(default=100, ge=1)
    field_weights: dict[str, float] = {}
    default_field_weight: float = Field(default=1.0, ge=0)
    use_priority: bool = True
    planning_bonus: float = Field(default=0.5, ge=0)
    level_weights: dict[str, float] = {}
    preference_bonus: list[int] = [30, 20, 10]


class Solver(Strict):
    """Solver settings: engine (``auto`` chooses by the problem's shape), limits and seed."""

    engine: Literal["auto", "fast", "highs", "cpsat", "greedy"] = "auto"
    time_limit: float = Field(default=120.0, gt=0)
    workers: int = Field(default=2, ge=1)
    seed: int = 0
    tie_break: bool = True  # the third lexicographic level (deterministic order)


class Scenario(Strict):
    """A whole scenario as resolved (after ``extends``), with absolute data paths."""

    name: str
    description: str = ""
    extends: str | None = None
    data: DataPaths
    years: list[int] = []
    rules: Rules = Rules()
    quotas: list[Quota] = []
    budget: Budget = Budget()
    objective: Objective = Objective()
    solver: Solver = Solver()

    @field_validator("years", mode="before")
    @classmethod
    def _one_year(cls, value: Any) -> Any:
        """``years: 2024`` is short for ``years: [2024]``."""
        return [value] if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("quotas")
    @classmethod
    def _unique_names(cls, quotas: list[Quota]) -> list[Quota]:
        seen: set[str] = set()
        for q in quotas:
            if q.name in seen:
                raise ValueError(f"two quotas are named {q.name!r}")
            seen.add(q.name)
        return quotas


# --------------------------------------------------------------------------------------------
# Loading.
# --------------------------------------------------------------------------------------------


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into ``base``: mappings merge deeply, everything else is replaced.

    >>> deep_merge({"a": {"x": 1, "y": 2}, "l": [1, 2]}, {"a": {"y": 3}, "l": [9]})
    {'a': {'x': 1, 'y': 3}, 'l': [9]}
    """
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path, named_by: tuple[Path, str] | None = None) -> dict[str, Any]:
    """One YAML file as a mapping; ``named_by`` is the file (and key) that refers to it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        if named_by is not None:
            raise InputError([Issue(str(named_by[0]), key=named_by[1],
                                    message=f"file not found: {path}")]) from None
        raise InputError([Issue(str(path), message="scenario file not found")]) from None
    except IsADirectoryError:
        raise InputError([Issue(str(path), message="a folder, not a scenario file")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Issue(str(path), message=f"not UTF-8 text (at byte {exc.start}): save "
                                "the file as UTF-8")]) from None
    except OSError as exc:
        raise InputError([Issue(str(path), message=f"cannot read the file: {exc}")]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        # ``row`` and ``column`` are the line and the character, as an editor shows them.
        raise InputError([Issue(str(path), row=mark.line + 1 if mark else None,
                                column=str(mark.column + 1) if mark else None,
                                message=f"not valid YAML: {problem}")]) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError([Issue(str(path), message="a scenario file must be a mapping of keys "
                                f"(name:, data:, …), not a {type(raw).__name__}")])
    return raw


def _absolutise_data(raw: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Make the ``data`` paths of one file absolute, relative to that file's folder.

    A table given as a plain path becomes ``{path: ...}``, so that a variant may override only
    the ``sheet`` of a table its parent names.
    """
    data = raw.get("data")
    if not isinstance(data, dict):
        return raw
    fixed: dict[str, Any] = {}
    for key, ref in data.items():
        if isinstance(ref, str):
            fixed[key] = {"path": str((folder / ref).resolve())}
        elif isinstance(ref, dict) and isinstance(ref.get("path"), str):
            fixed[key] = {**ref, "path": str((folder / ref["path"]).resolve())}
        else:
            fixed[key] = ref
    return {**raw, "data": fixed}


def _layers(path: Path, chain: tuple[Path, ...] = (),
            named_by: tuple[Path, str] | None = None) -> list[tuple[Path, dict[str, Any]]]:
    """The file and everything it ``extends``, each with absolute data paths: child first."""
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise InputError([Issue(str(chain[-1]), key="extends",
                                message=f"extends cycle: {cycle}")])
    raw = _absolutise_data(_read_yaml(path, named_by), path.parent)
    parent = raw.get("extends")
    if parent is None:
        return [(path, raw)]
    if not isinstance(parent, str) or not parent.strip():
        raise InputError([Issue(str(path), key="extends",
                                message=f"must be a file name, not {parent!r}")])
    return [(path, raw), *_layers(path.parent / parent, (*chain, path), (path, "extends"))]


def resolve_raw(path: Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a scenario file and everything it ``extends``, merged, with absolute data paths.

    Mappings merge deeply and everything else (lists included) is replaced by the file that
    extends. ``name`` is never inherited: a file without one is named after itself.
    """
    return _merge_layers(_layers(Path(path), tuple(p.resolve() for p in _chain)))


def _merge_layers(layers: list[tuple[Path, dict[str, Any]]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for _, raw in reversed(layers):
        merged = deep_merge(merged, raw)
    child_path, child = layers[0]
    merged["name"] = child.get("name", child_path.stem)
    return merged


def _holds(raw: Any, loc: tuple[Any, ...]) -> bool:
    """Whether a file's own content reaches ``loc`` (so an error there is that file's)."""
    node = raw
    for item in loc:
        if not _has(node, item):
            return False
        node = node[item]
    return True


def _has(node: Any, item: Any) -> bool:
    """Whether ``node[item]`` is in the file (a key of a mapping, an index of a list)."""
    if isinstance(node, dict):
        return item in node
    return isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema section at ``loc`` (for the keys it knows), or None for free mappings."""

    def find(annotation: Any) -> type[BaseModel] | None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        if get_origin(annotation) is dict:
            return None
        for arg in get_args(annotation):
            found = find(arg)
            if found is not None:
                return found
        return None

    model: type[BaseModel] | None = Scenario
    for item in loc:
        if isinstance(item, int):
            continue
        if model is None or item not in model.model_fields:
            return None
        model = find(model.model_fields[item].annotation)
    return model


def _clean_loc(loc: tuple[Any, ...], raw: dict[str, Any], err_type: str) -> tuple[Any, ...]:
    """``loc`` without pydantic's union-member tags (``str``, ``list[str]``, ``[key]``, …)."""
    out: list[Any] = []
    node: Any = raw
    for i, item in enumerate(loc):
        last = i == len(loc) - 1
        if _has(node, item):
            out.append(item)
            node = node[item]
        elif last and err_type == "missing" and isinstance(node, dict):
            out.append(item)
            node = None
        else:
            continue  # a tag naming a union member or a validator, not a key of the file
    return tuple(out)


def _order(loc: tuple[Any, ...], raw: dict[str, Any]) -> tuple[int, ...]:
    """Where ``loc`` sits in the file (key positions), so problems are listed top to bottom."""
    out: list[int] = []
    node: Any = raw
    for item in loc:
        if _has(node, item):
            out.append(list(node).index(item) if isinstance(node, dict) else item)
            node = node[item]
        else:
            out.append(10**6)
            node = None
    return tuple(out)


def _format_loc(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """``quotas.2.max`` becomes ``quotas[2] (women-abroad).max``: the planner's own names."""
    parts: list[str] = []
    node: Any = raw
    for item in loc:
        if isinstance(item, int) and isinstance(node, list):
            label = f"[{item}]"
            if item < len(node) and isinstance(node[item], dict):
                name = node[item].get("name")
                if name:
                    label += f" ({name})"
            parts.append(label)
        else:
            if item in ("function-after", "function-before", "function-wrap"):
                continue
            parts.append(("." if parts else "") + str(item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return "".join(parts)


_EXPECTED = {
    "string_type": "a text", "int_type": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "bool_type": "true or false",
    "bool_parsing": "true or false", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping",
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _message(errors: list[dict[str, Any]], loc: tuple[Any, ...]) -> str:
    """One sentence for the errors pydantic reports at one place of the file."""
    first = errors[0]
    kind = first["type"]
    if kind == "extra_forbidden":
        known = list((_model_at(loc[:-1]) or BaseModel).model_fields)
        key = str(loc[-1]) if loc else ""
        close = difflib.get_close_matches(key, known, n=1) or [
            k for k in known if key and (k.startswith(key) or key.startswith(k))][:1]
        return "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "") + (
            f"; known here: {', '.join(known)}" if known and not close else "")
    if kind == "missing":
        return "required key is missing"
    value = first.get("input")
    if first["loc"] and first["loc"][-1] == "[key]":
        return f"the key {value!r} should be " + _EXPECTED.get(kind, "of another type")
    if len(errors) > 1 and all(e["type"] in _EXPECTED for e in errors):
        wanted = list(dict.fromkeys(_EXPECTED[e["type"]] for e in errors))
        if {"a text", "a number", "true or false"} <= set(wanted):
            return f"expected a single value (text, number or true/false), got {_shown(value)}"
        return f"expected {', '.join(wanted[:-1])} or {wanted[-1]}, got {_shown(value)}" \
            if len(wanted) > 1 else f"expected {wanted[0]}, got {_shown(value)}"
    if kind == "model_type":
        return f"expected a mapping of settings (or true/false), got {_shown(value)}"
    msg = first["msg"].removeprefix("Value error, ")
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_shown(value)}"
    if isinstance(value, str | int | float | bool) and kind != "value_error":
        msg += f" (got {_shown(value)})"
    return msg


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge and validate a scenario file.

    Raises
    ------
    InputError
        Listing every problem at once, each with the file that holds it and the key's path
        (``quotas[2] (women-abroad).max``).
    """
    path = Path(path)
    layers = _layers(path)
    raw = _merge_layers(layers)
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        grouped: dict[tuple[Any, ...], list[Any]] = {}
        for err in exc.errors():
            loc = _clean_loc(tuple(err["loc"]), raw, err["type"])
            grouped.setdefault(loc, []).append(err)
        # A list with a bad item: pydantic also says the whole value fits no other type; the
        # item's own message is the useful one.
        for loc in [k for k in grouped if any(o[:len(k)] == k and len(o) > len(k)
                                                for o in grouped)]:
            if all(e["type"] in _EXPECTED for e in grouped[loc]):
                del grouped[loc]
        issues = []
        for loc, errors in sorted(grouped.items(), key=lambda item: _order(item[0], raw)):
            # The error belongs to the file that wrote the key (a parent, for inherited keys).
            owner = next((p for p, layer in layers if _holds(layer, loc)), layers[0][0])
            issues.append(Issue(str(owner), key=_format_loc(loc, raw) or None,
                                message=_message(errors, loc)))
        raise InputError(issues) from None
