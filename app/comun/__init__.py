"""Shared core: what every feature module builds on and nothing in it imports a feature.

See README.md beside this file for the machinery that runs implicitly (session listeners,
commit hooks, caches, form-field patches) and app/../docs/arquitectura.md for the layers.
"""
