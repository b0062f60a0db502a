"""Spreadsheets: XLSX workbooks and Chinese-headed CSV, read and written."""
