import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime

from flask import Response, abort, render_template, request
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from ..auth import role_required
from ..catalog_messages import skill_name
from ..i18n import text_direction
from ..input_rules import date_error
from ..models import RoleName
from ..services import dashboard
from ..web import ListPage, whole_number_arg
from . import bp, charts

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ENDING_DAYS = 30
LOAD_PAGE_SIZE = 25


def _since() -> tuple[date | None, str | None]:
    """The ``since`` day for mentoring hours, and an error message if it is malformed."""
    raw = request.args.get("since", "").strip()
    if not raw:
        return None, None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, _("Give the date as YYYY-MM-DD.")
    error = date_error(_("Check-ins since"), day, date.today())
    return (None, str(error)) if error else (day, None)


def _is_rtl() -> bool:
    return text_direction(str(get_locale())) == "rtl"


def _month_points(months: list[dashboard.MonthCount]) -> list[tuple[str, str, int]]:
    return [
        (
            format_date(m.month, "LLL"),
            format_date(m.month, "yyyy") if i == 0 or m.month.month == 1 else "",
            m.count,
        )
        for i, m in enumerate(months)
    ]


@bp.get("/")
@role_required(RoleName.COORDINATOR)
def index():
    today = date.today()
    rtl = _is_rtl()
    since, since_error = _since()
    figures = dashboard.program_figures(today, ENDING_DAYS)
    months, loads, skills = figures.months, figures.loads, figures.skills
    shown_loads = ListPage(loads, whole_number_arg("page", 1, minimum=1), LOAD_PAGE_SIZE)
    return render_template(
        "dashboard/index.html",
        today=today,
        waiting=figures.waiting,
        months=months,
        months_chart=charts.column_chart(_month_points(months), rtl),
        loads=shown_loads,
        load_bars={
            m.mentor_id: charts.load_bar(m.used, m.capacity, rtl) for m in shown_loads.items
        },
        places_used_count=sum(m.used for m in loads),
        places_total=sum(m.capacity for m in loads),
        ending=figures.ending,
        ending_days=ENDING_DAYS,
        burnout=figures.burnout,
        skills=skills,
        skills_chart=charts.paired_bar_chart(
            [(skill_name(s.skill_id), s.requested, s.offered) for s in skills], rtl
        ),
        hours=dashboard.mentoring_hours(since),
        since=since,
        since_error=since_error,
    )


# CSV export ----------------------------------------------------------------------------


def _cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    # A spreadsheet runs a cell that starts like a formula; usernames are user input.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _waiting_rows() -> tuple[list[str], Iterable[tuple]]:
    waiting = dashboard.waiting_times(date.today())
    return (
        ["request_id", "username", "state", "created_on", "days_waiting"],
        ((r.request_id, r.username, r.state.value, r.created_on, r.days) for r in waiting.requests),
    )


def _matches_rows() -> tuple[list[str], Iterable[tuple]]:
    months = dashboard.matches_per_month(date.today())
    return (
        ["month", "mentorships_started"],
        ((m.month.strftime("%Y-%m"), m.count) for m in months),
    )


def _load_rows() -> tuple[list[str], Iterable[tuple]]:
    loads = dashboard.mentor_load(date.today())
    return (
        [
            "username",
            "used",
            "capacity",
            "away",
            "term_ends_on",
            "full_since",
            "consecutive_terms",
        ],
        (
            (
                m.username,
                m.used,
                m.capacity,
                m.away,
                m.term_ends_on,
                m.full_since.date() if m.full_since else None,
                m.consecutive_terms,
            )
            for m in loads
        ),
    )


def _skills_rows() -> tuple[list[str], Iterable[tuple]]:
    skills = dashboard.skills_demand(limit=1000)
    return (
        ["skill_id", "skill_name", "requested", "offered"],
        ((s.skill_id, skill_name(s.skill_id), s.requested, s.offered) for s in skills),
    )


def _hours_rows() -> tuple[list[str], Iterable[tuple]]:
    since, error = _since()
    if error:
        abort(400)
    hours = dashboard.mentoring_hours(since)
    return (
        ["username", "checkins", "minutes", "hours"],
        ((h.username, h.checkins, h.minutes, h.hours) for h in hours),
    )


EXPORTS: dict[str, Callable[[], tuple[list[str], Iterable[tuple]]]] = {
    "waiting": _waiting_rows,
    "matches": _matches_rows,
    "mentor-load": _load_rows,
    "skills": _skills_rows,
    "hours": _hours_rows,
}


@bp.get("/<table>.csv")
@role_required(RoleName.COORDINATOR)
def export(table: str):
    rows_of = EXPORTS.get(table)
    if rows_of is None:
        abort(404)
    header, rows = rows_of()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    filename = f"pathways-{table}-{date.today().isoformat()}.csv"
    return Response(
        buffer.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
