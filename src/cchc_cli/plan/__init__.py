"""The plan: its YAML, fields, conditions, periods and working-day calendar."""
