"""Publish (the last stage): immutable, versioned, checksummed datasets. Only this package writes output.

- `version`: `VersionWriter` builds a version in a temporary folder and renames it into place
  whole; dataset names and version numbers;
- `staging`: what a worker writes for its input shard before dedup decides, and how a staged shard
  becomes the published pieces of a version;
- `tables`: the Arrow schemas of the published tables and how a record becomes a row;
- `card`: the dataset card (YAML front matter for `datasets` and the Hub, then counts and provenance);
- `manifest`: the manifest's fingerprint, and `verify`;
- `report`: the self-contained `report.html` of a version;
- `files`: durable writes and checksums.
"""
