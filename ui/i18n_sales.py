"""French catalog for the sales pages (merged into ui.i18n.FR)."""

FR: dict[str, str] = {
}
