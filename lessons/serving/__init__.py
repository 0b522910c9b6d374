"""Serving: dashboards (SPICE, direct query, row/column security), warehouse, engine choice."""
