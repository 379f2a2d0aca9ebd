"""Only for the optional C helper: everything else is in pyproject.toml.

``pipeline/_pdfium_chars.c`` loops the fast reader's per-character PDFium
calls in C. It is optional: where it cannot be compiled (no C compiler),
the install goes on and the reader makes the same calls from Python.
"""
from setuptools import Extension, setup

# -ffp-contract=off: its arithmetic must round as Python's does (no fused
# multiply-adds), for the same boxes and lines with or without it.
setup(ext_modules=[Extension("pipeline._pdfium_chars", ["pipeline/_pdfium_chars.c"], optional=True,
                             extra_compile_args=["-O2", "-ffp-contract=off"])])
