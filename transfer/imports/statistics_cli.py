"""What ``manage.py import_measures`` prints for a statistics table, the same account the
browser's preview gives: how the file was read, the new measures, each value and comparator
(numbers, or not published with the symbol), and the cells read, used and ignored (listed)."""

from __future__ import annotations

from django.core.management.base import CommandError

NEW_MEASURE_FIELDS = ("code", "title", "unit", "polarity", "frequency")


def new_measure_options(settings: list[list[str]], skipped: list[str]) -> dict[str, dict]:
    """``--new-measure NAME FIELD VALUE`` (repeated) and ``--skip-measure NAME`` as the
    preview form's choices."""
    choices: dict[str, dict] = {}
    for name, key, value in settings:
        if key not in NEW_MEASURE_FIELDS:
            raise CommandError(
                f"--new-measure takes NAME FIELD VALUE with FIELD one of "
                f'{", ".join(NEW_MEASURE_FIELDS)}, not "{key}".'
            )
        choices.setdefault(name, {})[key] = value
    for name in skipped:
        choices.setdefault(name, {})["skip"] = True
    return choices


def show(command, result: dict) -> None:
    out = command.stdout
    # A plan's sheets are listed by cli.show (read when chosen); a measure import's say "read".
    sheets = [sheet for sheet in result.get("sheets") or [] if "read" in sheet]
    if len(sheets) > 1:
        for sheet in sheets:
            read = "read" if sheet.get("read") else "not read"
            out.write(f'sheet "{sheet["name"]}": {sheet["label"]}, {sheet["rows"]} rows ({read})')
    statistics = result.get("statistics")
    if statistics:
        out.write(f"Read as {statistics['layout']}")
        out.write(f"Our council: {statistics['own_area'] or 'not named in the file'}")
        out.write(f"Region: {statistics['region'] or 'none in the file'}")
        if len(statistics.get("regions") or []) > 1:
            out.write(f"Regions in the file: {', '.join(statistics['regions'])}")
        for label, how in statistics["periods_read_as"].items():
            out.write(f'Period "{label}" read as a {how.lower()}')
        if statistics["computed_comparators"]:
            out.write(
                f"Comparators computed from every council's figures: "
                f"{statistics['computed_comparators']}"
            )
    for m in result.get("new_measures") or []:
        if m.get("skip"):
            out.write(f'New measure "{m["name"]}": left out')
        else:
            out.write(
                f'New measure "{m["name"]}": {m["code"]} {m["title"]} ({m["unit"]}, '
                f"{m['polarity']}, {m['frequency']})"
            )
    if statistics:
        for v in result.get("values", []):
            figure = f"not published ({v['symbol']})" if v["symbol"] else v["value"] or "-"
            comparators = "; ".join(
                f"{c['kind']} {c.get('value') or 'not published (' + c.get('symbol', '') + ')'}"
                for c in v["comparators"]
            )
            target = f" (target {v['target']})" if v.get("target") else ""
            out.write(
                f"  row {v['row']}: {v['code']} {v['label']}: {figure}{target}"
                f"{' | ' + comparators if comparators else ''} [{v['status']}]"
            )
    neighbours = result.get("neighbours")
    if neighbours:
        out.write(
            f"Statistical neighbours: {neighbours['entries']} of {neighbours['councils']} "
            f"councils (replaces {neighbours['replaces']})"
        )
    account = result.get("account")
    if account and "ignored_cells" in account:  # a plan import's account is shown by cli.py
        out.write(
            f"Cells: {account['read']} read, {account['used']} used, {account['ignored']} ignored"
        )
        for cell in account["ignored_cells"]:
            out.write(f"  ignored {cell['cell']}: {cell['reason']}")
