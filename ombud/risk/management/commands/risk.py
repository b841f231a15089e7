"""``ombud risk train|score|evaluate``: the early-warning model from the command line. Thin: each
verb parses its options, calls ``ombud.risk.services`` and prints the result."""

from __future__ import annotations

import json
import unicodedata
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ombud.core.arguments import date_argument
from ombud.risk.evaluation import outcomes_warning, unmatched_rule_text
from ombud.risk.model import LABELS, ModelError
from ombud.risk.models import Evaluation
from ombud.risk.selectors import evaluations_pooled
from ombud.risk.services import ANSWER_HOLDS_DAYS, risk_evaluate, risk_score, risk_train

# The largest groups of each fairness table printed; --json gives them all.
SHOWN_GROUPS = 15


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ArgumentTypeError(_("not a number: %(text)s") % {"text": text}) from None
    if not 0 < value <= 100:
        raise ArgumentTypeError(_("must be above 0 and at most 100"))
    return value


class Command(BaseCommand):
    help = _(
        "Early warning: `train` the model, `score` every active officer and raise alerts, or `evaluate` "
        "the model against the past-year count and the threshold rules (docs/early-warning.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        train = verbs.add_parser("train", help=_("train on everything known by the date and store the model"))
        train.add_argument("--as-of", type=date_argument, default=None, help=_("YYYY-MM-DD (default: today)"))
        train.add_argument("--label", choices=LABELS, default="sustained")
        score = verbs.add_parser("score", help=_("score every active officer and raise alerts"))
        score.add_argument("--as-of", type=date_argument, default=None, help=_("YYYY-MM-DD (default: today)"))
        score.add_argument(
            "--percent", type=_percent, default=None, help=_("share of the force to alert on (default 2)")
        )
        score.add_argument(
            "--retrain",
            action="store_true",
            help=_("train first (and store) when the model is missing, stale, foreign or trained after the date"),
        )
        evaluate = verbs.add_parser("evaluate", help=_("measure the model on the year after the date"))
        evaluate.add_argument("--as-of", type=date_argument, required=True, help=_("YYYY-MM-DD"))
        evaluate.add_argument("--label", choices=LABELS, default="sustained")
        evaluate.add_argument("--json", action="store_true", help=_("print the figures as JSON"))
        pooled = verbs.add_parser(
            "pooled", help=_("the kept evaluations' comparisons of the model with the count and the rules, summed")
        )
        pooled.add_argument("--label", choices=LABELS, default="sustained")
        pooled.add_argument("--json", action="store_true", help=_("print the figures as JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['verb']}")(options)
        except (ModelError, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc

    def _train(self, options: dict[str, Any]) -> None:
        trained = risk_train(as_of=options["as_of"], label=options["label"])
        info = trained.training
        self.stdout.write(
            _(
                "Model %(version)s trained as of %(as_of)s on %(rows)d officer-years (%(pos)d positive) "
                "from %(dates)d as-of dates in %(s).1f s."
            )
            % {
                "version": trained.version,
                "as_of": trained.as_of.isoformat(),
                "rows": info["rows"],
                "pos": info["positives"],
                "dates": len(info["as_of_dates"]),
                "s": info["seconds"],
            }
        )
        last_year = info["label_completeness"][-1]
        if last_year < 0.95:
            self.stdout.write(
                _(
                    "About %(share)d%% of the last training year's outcomes were known by %(as_of)s; "
                    "each known one is weighed for those still to come (up to five times)."
                )
                % {"share": round(100 * last_year), "as_of": trained.as_of.isoformat()}
            )
        if not info["positives"]:
            self.stderr.write(
                _(
                    "Nobody drew the label in the training years: the model scores every officer alike and "
                    "raises no alert of its own; the threshold rules still raise theirs."
                )
            )

    def _score(self, options: dict[str, Any]) -> None:
        report = risk_score(
            as_of=options["as_of"] or timezone.localdate(), percent=options["percent"], retrain=options["retrain"]
        )
        self.stdout.write(
            _(
                "Scored %(n)d active officers as of %(as_of)s with model %(version)s: %(alerts)d new alerts "
                "(%(open)d officers have one open already; %(held)d had one answered in the last %(days)d days "
                "and no complaint since)."
            )
            % {
                "n": report.scored,
                "as_of": report.as_of.isoformat(),
                "version": report.model_version,
                "alerts": report.alerts,
                "open": report.already_open,
                "held": report.answered_recently,
                "days": ANSWER_HOLDS_DAYS,
            }
        )
        if not report.scored:
            self.stderr.write(report.nobody_text())
        for rule, flagged in report.flagged_by_rule.items():
            self.stdout.write("  " + _("rule %(rule)s flags %(n)d") % {"rule": rule, "n": flagged})
        for rule, categories in report.unmatched_rules.items():
            self.stdout.write("  " + unmatched_rule_text(rule, categories))

    def _evaluate(self, options: dict[str, Any]) -> None:
        run = risk_evaluate(as_of=options["as_of"], label=options["label"])
        if options["json"]:
            self.stdout.write(json.dumps(run.result, indent=1))
            return
        self.stdout.write(report_text(run.result))

    def _pooled(self, options: dict[str, Any]) -> None:
        result = evaluations_pooled(Evaluation.objects.all(), options["label"])
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=1))
            return
        self.stdout.write(pooled_text(result))


def pooled_text(result: dict[str, Any]) -> str:
    if not result["as_of"]:
        return _(
            "No evaluation with the label %(label)s to pool yet: run ombud risk evaluate --as-of DATE --label %(label)s "
            "for a few dates first."
        ) % {"label": result["label"]}
    lines = [
        _("Label %(label)s, pooled over %(n)d as-of dates: %(dates)s.")
        % {"label": result["label"], "n": len(result["as_of"]), "dates": ", ".join(result["as_of"])},
        "",
        f"{'':<28}{'dates':>6}{'picks':>7}{'model':>8}{'other':>8}{'m.only':>8}{'o.only':>8}{'p':>8}",
    ]
    for name, c in result["comparisons"].items():
        lines.append(
            f"{_compared_with(name)}{c['dates']:>6}{c['picks']:>7}{c['model_true_positives']:>8g}"
            f"{c['other_true_positives']:>8g}{c['model_only']:>8g}{c['other_only']:>8g}{_p_text(c['p']):>8}"
        )
    lines += [
        "",
        _(
            "model, other: true positives of the model and of the other ranking at the same picks; m.only, o.only: "
            "those only one of the two picked; p: the chance of a split at least this uneven if both picked "
            "equally well. Dates less than a year apart share part of their following year."
        ),
    ]
    if result["left_out"]:
        lines.append(
            ngettext(
                "%(n)d evaluation kept before these comparisons were measured is left out: evaluate its date again.",
                "%(n)d evaluations kept before these comparisons were measured are left out: evaluate their dates "
                "again.",
                result["left_out"],
            )
            % {"n": result["left_out"]}
        )
    return "\n".join(lines)


def _compared_with(name: str) -> str:
    """The first column of a comparison's row: the ranking or rule the model is compared with."""
    return _columns(_("count_12m, top 5%") if name == "count_12m" else name, 28)


def _p_text(p: float) -> str:
    # Not "0.00": that would read as no chance at all.
    return "< 0.01" if p < 0.01 else f"{p:.2f}"


def _columns(text: str, width: int) -> str:
    """``text`` cut and padded to ``width`` columns of a terminal, in which a Chinese or Korean
    character takes two (a unit named 第一派出所 would push its row's figures out of line)."""
    kept, used = [], 0
    for char in text:
        wide = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + wide > width:
            break
        kept.append(char)
        used += wide
    return "".join(kept) + " " * (width - used)


def report_text(result: dict[str, Any]) -> str:
    lines = [
        _("As of %(as_of)s, label %(label)s: %(cohort)d officers in the cohort, %(pos)d positive.")
        % {
            "as_of": result["as_of"],
            "label": result["label"],
            "cohort": result["cohort"],
            "pos": result["positives"],
        },
    ]
    warning = outcomes_warning(result)
    if warning:
        lines.append(warning)
    lines += ["", f"{'':<28}{'P@1%':>8}{'P@5%':>8}{'P@10%':>8}{'R@5%':>8}{'AUC':>8}"]

    def cell(value: Any) -> str:
        return f"{value:>8.3f}" if isinstance(value, int | float) else f"{'-':>8}"

    for name in ("model", "count_12m"):
        r = result["rankers"][name]
        lines.append(
            f"{name:<28}{cell(r['p_at_1'])}{cell(r['p_at_5'])}{cell(r['p_at_10'])}{cell(r['recall_at_5'])}"
            f"{cell(r['auc'])}"
        )
    lines += ["", f"{'':<28}{'flags':>8}{'prec.':>8}{'recall':>8}{'model':>8}"]
    for name, r in result["rankers"].items():
        if name.startswith("rule:"):
            lines.append(
                f"{name:<28}{r['flags']:>8}{cell(r['precision'])}{cell(r['recall'])}"
                f"{cell(r['model_precision_at_same_flags'])}"
            )
    for name, r in result["rankers"].items():
        if r.get("categories_in_record") is False:
            lines.append(unmatched_rule_text(name[5:], r["categories"]))
    differences = result.get("differences", {})
    if differences:
        lines += [
            "",
            _(
                "Officer by officer, at the same number of picks: the positives only the model picked, only the "
                "other ranking picked, and the chance of a split at least this uneven if both picked equally well:"
            ),
            f"{'':<28}{'model':>8}{'other':>8}{'p':>8}",
        ]
        for name, d in differences.items():
            lines.append(f"{_compared_with(name)}{d['model_only']:>8g}{d['other_only']:>8g}{_p_text(d['p']):>8}")
    fairness = result.get("fairness", {})
    for attribute in ("race", "sex", "unit"):
        groups = fairness.get(attribute)
        if not groups:
            continue
        lines += [
            "",
            _("Top %(share)d%% by %(attribute)s:") % {"share": fairness["flag_share"], "attribute": attribute},
        ]
        if len(groups) == 1:
            lines.append(
                "  "
                + _("Every officer of the cohort is in one group (%(group)s): there is nothing to compare.")
                % {"group": groups[0]["group"]}
            )
        lines.append(f"  {'':<34}{'officers':>9}{'flag rate':>10}{'precision':>10}{'base rate':>10}")
        for g in groups[:SHOWN_GROUPS]:
            lines.append(
                f"  {_columns(str(g['group']), 34)}{g['officers']:>9}{cell(g['flag_rate'])[-10:]:>10}"
                f"{cell(g['precision'])[-10:]:>10}{cell(g['base_rate'])[-10:]:>10}"
            )
        if len(groups) > SHOWN_GROUPS:
            lines.append(
                "  "
                + _("The %(shown)d largest of %(total)d groups; --json gives every group.")
                % {"shown": SHOWN_GROUPS, "total": len(groups)}
            )
    truth = result.get("ground_truth")
    if truth:
        lines += ["", _("Against the simulated world's hidden truth (the model's top 5%):")]
        for key, label in (("corrupt", _("hidden corrupt officers")), ("vampires", _("vampires"))):
            g = truth[key]
            lead = g["mean_years_before_first_sustained"]
            figures = {
                "label": label,
                "top": f"{g['in_top_5']:g}",
                "all": g["in_cohort"],
                "early": f"{g['flagged_before_any_sustained_finding']:g}",
                "later": g["sustained_later"],
                "lead": f"{lead:.2f}" if lead is not None else "",
            }
            if lead is None:
                # Nobody flagged early had a finding later: there is no lead time to average.
                text = _(
                    "%(label)s: %(top)s of %(all)d in the top 5%%; %(early)s of them before any sustained finding "
                    "(none had one later)"
                )
            else:
                text = _(
                    "%(label)s: %(top)s of %(all)d in the top 5%%; %(early)s of them before any sustained finding "
                    "(%(later)d had one later, %(lead)s years later on average)"
                )
            lines.append("  " + text % figures)
        rate, targeted = truth["retaliated_honest_flag_rate"], truth["retaliated_honest_officers"]
        lines.append(
            "  "
            + _("honest officers flagged: %(rate)s; honest officers targeted by retaliation: %(n)s of %(all)d")
            % {
                "rate": f"{truth['honest_flag_rate']:.2%}" if truth["honest_flag_rate"] is not None else "-",
                "n": f"{round(rate * targeted, 1):g}" if rate is not None else "-",
                "all": targeted,
            }
        )
    return "\n".join(lines)
