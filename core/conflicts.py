"""PLACEHOLDER (being written): statement pairs from different sides that contradict each other."""
