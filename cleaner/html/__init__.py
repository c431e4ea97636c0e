"""The HTML stage: a page to its metadata and the blocks of its main content.

- `extract`: parse the page once, read its metadata (JSON-LD, OpenGraph, `<meta>`, markup,
  htmldate) and hand back its main content as blocks;
- `body`: find the main content: segments of the page, the best-scored region, its sibling parts;
- `markup`: the vocabulary of the markup, as data: class and id tokens of share bars, captions,
  related boxes, newsletter blocks, and the tags that pre-label a block.
"""
