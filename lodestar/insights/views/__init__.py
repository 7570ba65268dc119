"""Insight pages, one module per part; each exports `urlpatterns`."""
