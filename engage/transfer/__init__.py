"""Data in and out: imports of people and organisations (CSV, XLSX, vCard) with a preview, and
exports of the directory's lists (CSV, vCard)."""
