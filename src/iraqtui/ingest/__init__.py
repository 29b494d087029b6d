"""Ingestion: read files, run pure analysis stages, write each source in one transaction."""
