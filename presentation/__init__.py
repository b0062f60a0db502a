"""Presentation: reports laid out as tables with Chinese headers (terminal, CSV, XLSX, HTML)."""
