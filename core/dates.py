"""PLACEHOLDER (being written): publication dates and dated events."""
