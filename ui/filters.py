"""Sidebar filters shared by the sales pages: pipeline, owner, period and extra grouping columns."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics.sales import deals
from ui import common, fmt
from ui.i18n import t


def deal_filters(prefix: str, period: bool = True) -> tuple[deals.DealFilter, dt.date | None, dt.date | None]:
    """The user's deal filter and period from the sidebar (every chart and KPI of the page uses them).

    Pipeline, owner and attribute choices are kept in the URL (?pipeline=…&owner=…&attr.Segment=…), so a
    filtered view can be bookmarked and shared; a link's values seed the widgets on first load. Without
    ``period`` (a page whose dates are chosen otherwise, e.g. two snapshots) no period widget is shown.
    """
    choices = common.fetch(deals.filter_choices)
    side = st.sidebar
    side.subheader(t("Filters"))
    pipelines = _url_multiselect(side, t("Pipeline"), choices.get("pipeline", []), f"{prefix}_f_pipeline",
                                 "pipeline", t("All pipelines"))
    owners = _url_multiselect(side, t("Owner"), choices.get("owner", []), f"{prefix}_f_owner", "owner",
                              t("All owners"))
    date_from = date_to = None
    if period:
        chosen = side.date_input(t("Period"), value=(), key=f"{prefix}_f_period", format=fmt.date_input_format(),
                                 help=t("Deals created in the period for the funnel; closed in the period for win "
                                        "rate, average deal and cycle. Empty = all time."))
        date_from, date_to = _period_bounds(chosen)
    attributes = []
    extra = [name for name in choices if name not in ("pipeline", "owner")]
    if extra:
        with side.expander(t("More filters")):
            for name in extra:
                values = _url_multiselect(st, name, choices[name], f"{prefix}_f_attr_{name}", f"attr.{name}",
                                          t("All"))
                if values:
                    attributes.append((name, tuple(values)))
    flt = deals.DealFilter(pipelines=tuple(pipelines), owners=tuple(owners), attributes=tuple(attributes))
    return flt, date_from, date_to


def _url_multiselect(where, label: str, options: list[str], key: str, param: str, placeholder: str) -> list[str]:
    """A multiselect whose choice is mirrored in the URL query parameter ``param``."""
    if key not in st.session_state:
        wanted = [v for v in st.query_params.get_all(param) if v in options]
        if wanted:
            st.session_state[key] = wanted
    picked = where.multiselect(label, options, key=key, placeholder=placeholder)
    if picked:
        st.query_params[param] = picked
    elif param in st.query_params:
        del st.query_params[param]
    return picked


def _period_bounds(period) -> tuple[dt.date | None, dt.date | None]:
    if isinstance(period, dt.date):
        return period, None
    values = list(period or ())
    return (values[0] if values else None), (values[1] if len(values) > 1 else None)


def survey_filters(prefix: str) -> dict[str, list[str]]:
    """A sidebar multiselect per survey grouping dimension (only values with at least k responses offered)."""
    from analytics.people import survey
    from ui.charts import people as charts_people

    st.sidebar.subheader(t("Filters"))
    chosen = {}
    for dimension, values in common.fetch(survey.survey_groups_available).items():
        picked = st.sidebar.multiselect(charts_people.dimension_label(dimension), values,
                                        key=f"{prefix}_filter_{dimension}", format_func=charts_people.group_label,
                                        placeholder=t("Everyone"))
        if picked:
            chosen[dimension] = picked
    return chosen


def stop_without_deals() -> None:
    """The page guard of the sales pages: a hint and stop when no deals were imported."""
    if common.fetch(deals.latest_snapshot_on) is None:
        st.info(t("No deals yet: import a CRM export on the Import page."))
        st.stop()
