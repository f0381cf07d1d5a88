from datetime import date

from django.core.management.base import BaseCommand, CommandError

from devtools.scale import (
    PASSWORD,
    PROFILES,
    Profile,
    ScaleDataExists,
    ScaleGenerator,
    fingerprint,
    invariant_breaches,
    scale_plans,
    summary_counts,
)


class Command(BaseCommand):
    help = (
        "Build a synthetic council at scale for the benchmark: plans, structure, actions with "
        "monthly RAG updates, officers, boards with monthly meetings and measures. Deterministic "
        "for a given --seed and --as-of date. Use an empty database (or `manage.py flush`)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--profile",
            choices=sorted(PROFILES),
            default="small",
            help="Preset sizes: tiny (2 plans x 25 actions, 6 periods, 10 measures), small "
            "(2 plans x 250 actions, 6 periods = 3,000 updates, 10 measures) or large (20 plans "
            "x 250 actions, 36 periods = 180,000 updates, 300 measures) or xl (200 plans x 250 "
            "actions, 36 periods = 1.8 million updates, 3,000 measures, 8 councils). The options "
            "below override single sizes.",
        )
        parser.add_argument("--plans", type=int, help="Number of plans.")
        parser.add_argument("--actions-per-plan", type=int, help="Actions in each plan.")
        parser.add_argument(
            "--periods", type=int, help="Monthly reporting periods with an update per action."
        )
        parser.add_argument("--measures", type=int, help="Measures, each with a value per period.")
        parser.add_argument(
            "--councils", type=int, help="Councils the plans, people and boards are spread across."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            help="The date the data runs up to (default today): the periods are the whole months "
            "before it.",
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the history rows of actions, updates and values (faster; the as-at board "
            "packs then read the live tables).",
        )
        parser.add_argument(
            "--no-copy",
            action="store_true",
            help="On PostgreSQL, write every row with bulk_create INSERTs rather than COPY the "
            "status updates and history rows (slower; for comparing the two).",
        )
        parser.add_argument(
            "--fingerprint",
            action="store_true",
            help="Print a SHA-256 of the generated content (to compare runs).",
        )

    def handle(self, *args, **options):
        base = PROFILES[options["profile"]]
        profile = Profile(
            plans=options["plans"] or base.plans,
            actions_per_plan=options["actions_per_plan"] or base.actions_per_plan,
            periods=options["periods"] or base.periods,
            measures=base.measures if options["measures"] is None else options["measures"],
            councils=options["councils"] or base.councils,
        )
        verbose = options["verbosity"] > 0
        self.stdout.write(
            f"Generating {profile.plans} plans x {profile.actions_per_plan} actions x "
            f"{profile.periods} periods = {profile.updates:,} updates, {profile.measures} "
            f"measures, {profile.councils} council(s) (seed {options['seed']})"
        )
        try:
            generator = ScaleGenerator(
                profile,
                seed=options["seed"],
                as_of=options["as_of"],
                batch_size=options["batch_size"],
                history=not options["no_history"],
                copy=not options["no_copy"],
                log=self.stdout.write if verbose else None,
            )
            report = generator.run()
        except (ScaleDataExists, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        breaches = invariant_breaches(scale_plans())
        if breaches["rating"] or breaches["rating_updated_at"] or breaches["version_not_updates"]:
            raise CommandError(f"Current ratings do not match the latest updates: {breaches}")
        counts = summary_counts()
        self.stdout.write(
            self.style.SUCCESS(f"Done in {report.seconds:.1f} s, as of {report.as_of:%d %B %Y}.")
        )
        for name, n in counts.items():
            self.stdout.write(f"  {name:<20} {n:>9,}")
        self.stdout.write(
            f"Sign in as any generated officer or board member (e.g. "
            f"{generator.officers[0].user.username}) or scale.admin, password {PASSWORD}."
        )
        if options["fingerprint"]:
            self.stdout.write(f"fingerprint {fingerprint()}")
