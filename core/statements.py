"""PLACEHOLDER (being written): attributed statements -> speaker -> actor -> side."""
