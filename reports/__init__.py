"""Portfolio analyses over gradings: composition, exposure, reviews, migration (pure)."""
