"""Data files taken from the documents and the `flask seed` commands that load them."""
