"""Scrapy's project settings module, for `scrapy crawl mutual` (see scrapy.cfg).

Scrapy reads a project's settings from module attributes, so this module is the one place where
settings exist at import time: they are computed from the environment, exactly as `mutual crawl`
computes them, and nothing else in Mutual reads them from here.
"""

from __future__ import annotations

import os

from crawlers.scrapy_settings import scrapy_settings
from ground.settings import load_settings

SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

globals().update(scrapy_settings(load_settings(os.environ)))
