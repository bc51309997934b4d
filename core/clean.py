"""PLACEHOLDER (being written): split dumps into articles; every raw line gets a fate."""
