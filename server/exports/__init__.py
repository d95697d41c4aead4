"""Exports of the statistics: the auditor's XLSX workbook and the 明细 CSV."""
