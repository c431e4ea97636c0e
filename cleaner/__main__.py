"""`python -m cleaner` runs the CLI."""
from cleaner.cli import app

app(prog_name="cleaner")
