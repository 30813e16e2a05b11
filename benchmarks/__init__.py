"""Benchmarks (make bench). A package so that `config.settings.bench` can name `benchmarks.urls`."""
