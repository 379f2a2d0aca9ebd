"""The pipeline version is stored with every document and record.

Bump it whenever extraction changes what records a paper yields: on the next
ingest every document is re-read and its records replaced.
"""
PIPELINE_VERSION = "0.1.0"
