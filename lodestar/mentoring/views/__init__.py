"""The relationship's pages, one module per part of the workspace; each exports `urlpatterns`."""
