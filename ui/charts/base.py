"""The look every chart shares: the palette and the layout (title, height, margins, fonts)."""
from __future__ import annotations

import plotly.graph_objects as go

from ui import fmt

PALETTE = ["#2E5BFF", "#14B8A6", "#F59E0B", "#EF4444", "#8B5CF6", "#64748B", "#EC4899", "#84CC16"]


def layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    """The shared look: title, height, margins, white plot, legend below, number separators of the language."""
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=50, b=10),
                      plot_bgcolor="white", legend=dict(orientation="h", y=-0.15),
                      separators=",\u202f" if fmt.language() == "fr" else ".,")
    return fig
