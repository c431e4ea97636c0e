"""news-cleaner: clean scraped news articles, validate them against a contract, publish versioned datasets."""
__version__ = "0.1.0"
