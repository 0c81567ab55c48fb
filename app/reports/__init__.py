"""Reports: calculations (pure functions), charts, PDF and Excel, all read-only."""
