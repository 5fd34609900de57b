"""The one catalogue of headline outcomes: each declared once, everything else looks it up.

An outcome is one metric of the tidy results table (:data:`sim.metrics.METRICS`) with a filter
on its dimensions (region, bloc, lab), named in words and measured in a unit. The run summary
(:mod:`study.summary`), the scenario comparison (:mod:`study.compare`), the sensitivity analysis
and scenario discovery (:data:`study.uncertainty.OUTCOMES`), the calibration targets, the figures
and the explorer all take their outcomes from :data:`CATALOGUE`, each choosing the outcomes it
shows by name.

An outcome carries several names in words because each place shows it in its own register, and
these texts appear in saved figures and tables that must not change when the code moves: the
figure panels and the comparison table use :attr:`Outcome.label`, the terminal table
:attr:`~Outcome.short`, the run summary :attr:`~Outcome.summary` and the analyses of each run's
final month :attr:`~Outcome.final`. A test checks that each of these texts is written in this
module only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Outcome:
    """A headline outcome: one metric (with its dimension filter) named in words.

    Attributes:
        name: identifier in configs and tables (``row_cn_share``; ``outcome=`` of
            ``experiments.discover``).
        metric: metric of the results table (``bloc_share``).
        label: the outcome in words, as figure panels and the comparison table title it.
        unit: unit of the values (``share`` for a share, shown in percent on axes).
        short: a few characters for a terminal column (``""``: not shown there).
        summary: row label of the run summary table (:func:`study.summary.summary_table`).
        final: the outcome's value in a run's final month, in words (sensitivity analysis and
            scenario discovery).
        brief: the outcome in a few words without qualifiers, for the panels of a causal chain
            and the explorer's card (default: ``label``).
        axis: a fuller description of the unit for an axis that stands alone (default:
            ``unit``).
        region: the region filter ("" where the metric has no region).
        bloc: the bloc filter ("" where none).
        lab: the lab filter ("" where none).
        log: values span orders of magnitude: draw on a log axis.
    """

    name: str
    metric: str
    label: str
    unit: str
    short: str = ""
    summary: str = ""
    final: str = ""
    brief: str = ""
    axis: str = ""
    region: str = ""
    bloc: str = ""
    lab: str = ""
    log: bool = False

    def __post_init__(self) -> None:
        # defaults that repeat another field: a frozen dataclass sets them here
        if not self.brief:
            object.__setattr__(self, "brief", self.label)
        if not self.axis:
            object.__setattr__(self, "axis", self.unit)

    @property
    def share(self) -> bool:
        """True for a share (axes in percent, differences in percentage points)."""
        return self.unit.strip().lower().startswith("share")

    @property
    def dims(self) -> dict[str, str]:
        """The dimension filter: ``{"region": ..., "bloc": ..., "lab": ...}``."""
        return {"region": self.region, "bloc": self.bloc, "lab": self.lab}

    @property
    def key(self) -> tuple[str, str, str, str]:
        """``(metric, region, bloc, lab)``: the outcome's row of one month of the table."""
        return (self.metric, self.region, self.bloc, self.lab)

    @property
    def panel(self) -> tuple[str, str, str, str, str]:
        """``(metric, region, bloc, label, unit)``: what a figure panel of a sweep draws."""
        return (self.metric, self.region, self.bloc, self.label, self.unit)

    def shown(self, value: float) -> str:
        """A value as tables show it: shares in percent (``52.7%``), others to 3 digits."""
        return f"{100 * value:.1f}%" if self.share else f"{value:.3g}"

    def shown_change(self, change: float) -> str:
        """A difference as tables show it: of shares in percentage points (``+1.3 pp``)."""
        return f"{100 * change:+.1f} pp" if self.share else f"{change:+.2g}"

    def in_final_month(self) -> Outcome:
        """This outcome as the analyses of each run's final month name it (label: ``final``)."""
        return dataclasses.replace(self, label=self.final)


#: Every headline outcome, by name.
CATALOGUE: dict[str, Outcome] = {o.name: o for o in [
    Outcome("open_share", "open_share", "Open-weight share of developers (global)", "share",
            short="open-weight share of developers",
            summary="open-weight share of developers (global)",
            final="Final open-weight share of developers (global)",
            brief="Developers on open-weight models", axis="share of developers worldwide",
            region="global"),
    Outcome("cn_open_share", "open_bloc_share", "Developers on Chinese open models (global)",
            "share", short="developers on Chinese open models",
            summary="developers on Chinese open models (global)",
            final="Developers on Chinese open models (global, final)",
            brief="Developers on Chinese open models", axis="share of developers worldwide",
            region="global", bloc="CN"),
    Outcome("cn_share", "bloc_share", "Developers on Chinese models (global)", "share",
            short="developers on Chinese models", summary="developers on Chinese models (global)",
            final="Developers on Chinese models (global, final)",
            brief="Developers on Chinese models", axis="share of developers worldwide",
            region="global", bloc="CN"),
    Outcome("row_cn_share", "bloc_share", "Rest-of-world developers on Chinese models", "share",
            short="rest of world on Chinese models",
            summary="rest-of-world developers on Chinese models",
            final="Rest-of-world developers on Chinese models (final)", region="ROW",
            bloc="CN"),
    Outcome("open_token_share", "open_token_share", "Open-weight share of tokens (global)",
            "share", short="open-weight share of tokens",
            summary="open-weight share of tokens (global)",
            final="Final open-weight share of tokens (global)",
            brief="Tokens on open-weight models", axis="share of tokens worldwide",
            region="global"),
    Outcome("cn_token_share", "bloc_token_share", "Tokens on Chinese models (global)", "share",
            short="tokens on Chinese models", summary="tokens on Chinese models (global)",
            final="Tokens on Chinese models (global, final)", brief="Tokens on Chinese models",
            axis="share of tokens worldwide", region="global", bloc="CN"),
    Outcome("cn_open_token_share", "open_bloc_token_share",
            "Tokens on Chinese open models (global)", "share",
            short="tokens on Chinese open models",
            summary="tokens on Chinese open models (global)",
            final="Tokens on Chinese open models (global, final)",
            brief="Tokens on Chinese open models", axis="share of tokens worldwide",
            region="global", bloc="CN"),
    Outcome("row_cn_token_share", "bloc_token_share", "Rest-of-world tokens on Chinese models",
            "share", short="rest-of-world tokens on Chinese models",
            summary="rest-of-world tokens on Chinese models",
            final="Rest-of-world tokens on Chinese models (final)", region="ROW", bloc="CN"),
    # the populations the surveys measure (calibration compares like with like)
    Outcome("enterprise_open_share", "enterprise_open_token_share",
            "Enterprises' tokens on open models", "share",
            short="enterprises' tokens on open models", axis="share of enterprises' tokens"),
    Outcome("router_open_share", "router_open_token_share",
            "Startups' and independents' tokens on open models", "share",
            short="router population on open models",
            axis="share of startups' and independents' tokens"),
    Outcome("router_cn_open_share", "router_cn_open_token_share",
            "Startups' and independents' tokens on Chinese open models", "share",
            short="router population on Chinese open models",
            axis="share of startups' and independents' tokens"),
    Outcome("us_china_gap", "us_china_gap_months", "US-China capability gap", "months",
            short="US-China gap (months)", summary="US-China capability gap (months)",
            final="US-China capability gap (final)", axis="months of frontier progress"),
    Outcome("open_closed_gap", "open_closed_gap_months", "Open-closed capability gap", "months",
            summary="open-closed capability gap (months)",
            final="Open-closed capability gap (final)",
            axis="months the best open model trails"),
    Outcome("closed_premium", "closed_price_premium", "Closed price premium",
            "closed price / serving cost (x)", short="closed price premium (x cost)",
            summary="closed price premium (x serving cost)", final="Closed price premium (final)",
            axis="closed API price / serving cost (x)"),
    Outcome("open_labs", "n_open_labs", "Labs with an open posture", "labs",
            short="labs with an open posture",
            summary="labs with open posture"),
    Outcome("cn_chip_access", "chip_access", "China's access to frontier chips",
            "share of wanted chips obtained", summary="China chip access (share of wanted)",
            bloc="CN"),
    Outcome("cn_compute", "bloc_compute_h100e", "Chinese labs' accelerators",
            "H100 equivalents", bloc="CN", log=True),
    # bloc-level metrics derived from the per-lab rows (study.tables.bloc_lab_metrics)
    Outcome("cn_openness", "bloc_openness", "Chinese labs' mean posture",
            "openness (0 closed, 0.5 hybrid, 1 open)",
            final="Chinese labs' mean posture (final)", bloc="CN"),
    Outcome("cn_expected_openness", "bloc_expected_openness",
            "Chinese labs' mean expected openness", "openness (0 closed, 0.5 hybrid, 1 open)",
            final="Chinese labs' mean expected openness at their last decisions", bloc="CN"),
]}

#: The key outcomes of a scenario comparison, in the order of its figure panels.
KEY = ("open_share", "cn_open_share", "row_cn_share", "us_china_gap", "closed_premium",
       "open_labs")
#: The columns of the terminal's comparison table (:func:`study.compare.comparison_table`): the
#: key outcomes and, first of the questions users ask, the global share on Chinese models, by
#: developers and by tokens.
TABLE = ("open_share", "cn_share", "cn_token_share", "cn_open_share", "row_cn_share",
         "us_china_gap", "closed_premium", "open_labs")


def select(names: Iterable[str]) -> list[Outcome]:
    """The catalogue's outcomes of ``names``, in that order (KeyError for an unknown name)."""
    return [CATALOGUE[name] for name in names]


def metrics(names: Iterable[str]) -> list[str]:
    """The metrics of the outcomes ``names``, each once, in order of first appearance."""
    return list(dict.fromkeys(CATALOGUE[name].metric for name in names))
