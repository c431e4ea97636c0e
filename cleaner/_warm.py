"""Imported by the local executor's fork server: every worker forked from it starts warm.

Importing the pipeline and building the contract's patterns (the mojibake regex alone takes a
second or two) once in the fork server saves each worker that cost on its first shard.
"""
from cleaner.pipeline import warm_up

warm_up()
