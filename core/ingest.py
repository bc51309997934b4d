"""PLACEHOLDER (being written): read + decode input files. See core/bundle.py for the interface."""
