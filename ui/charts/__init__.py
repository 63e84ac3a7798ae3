"""Chart builders: plain functions, data in, ``plotly.graph_objects.Figure`` out (testable without a browser).

``base`` holds the palette and the shared layout; one module per area (sales, forecast, movement, people,
priorities).
"""
