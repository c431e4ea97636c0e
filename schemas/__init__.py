"""The data contract: pandera models for published articles, removals and quarantine."""
