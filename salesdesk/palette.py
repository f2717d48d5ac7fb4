"""The colours the window and the charts share (no imports: the window loads it at start)."""

ACCENT = "#2563EB"
PLAN = "#F59E0B"
GOOD = "#16A34A"
BAD = "#DC2626"
MUTED = "#94A3B8"
TEXT = "#1F2937"
GRID = "#E5E7EB"
SERIES = ["#2563EB", "#16A34A", "#F59E0B", "#DC2626", "#7C3AED", "#0891B2", "#DB2777",
          "#65A30D"]
