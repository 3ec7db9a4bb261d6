"""Scrapy settings from Mutual's settings: politeness and safety live here, not in spiders."""

from __future__ import annotations

from typing import Any

from crawlers.guard import ALLOW_LOOPBACK_SETTING
from ground.settings import Settings
from ground.version import __version__


def user_agent(settings: Settings) -> str:
    return f"Mutual/{__version__} (+{settings.crawl_contact_url})"


def scrapy_settings(settings: Settings, progress: Any = None) -> dict[str, Any]:
    return {
        "BOT_NAME": "mutual",
        "USER_AGENT": user_agent(settings),
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": "Mutual",
        # Cookies only for sources that sign in with a form; each source has its own jar
        # (meta "cookiejar"), so one site's session never reaches another request.
        "COOKIES_ENABLED": True,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "LOG_INSTALL_ROOT_HANDLER": False,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.crawl_concurrency_per_host,
        "DOWNLOAD_DELAY": settings.crawl_delay,
        "RANDOMIZE_DOWNLOAD_DELAY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": settings.crawl_delay,
        # AutoThrottle's default aims at one request in flight per host, whatever
        # CONCURRENT_REQUESTS_PER_DOMAIN says; aim at the configured concurrency instead.
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(settings.crawl_concurrency_per_host),
        "DOWNLOAD_TIMEOUT": settings.crawl_timeout,
        "DOWNLOAD_MAXSIZE": settings.crawl_max_bytes,
        "DOWNLOAD_WARNSIZE": settings.crawl_max_bytes // 2,
        "RETRY_TIMES": 1,
        # 429 and 503 usually come with Retry-After: the source waits that long instead.
        "RETRY_HTTP_CODES": [500, 502, 504, 522, 524, 408],
        "REDIRECT_MAX_TIMES": 5,
        "HTTPCACHE_ENABLED": False,
        # Only HTTP(S): a redirect to file:, ftp:, s3: or data: has no handler to go to.
        "DOWNLOAD_HANDLERS": {"file": None, "s3": None, "ftp": None, "data": None},
        "DNS_RESOLVER": "crawlers.guard.GuardedResolver",
        "DOWNLOADER_MIDDLEWARES": {
            "crawlers.guard.GuardMiddleware": 50,
            # After cookies (700) and on every redirected request: credentials only to the
            # source's own origin.
            "crawlers.auth.CredentialsMiddleware": 750,
        },
        "ITEM_PIPELINES": {"crawlers.pipelines.CatalogPipeline": 300},
        ALLOW_LOOPBACK_SETTING: settings.crawl_allow_loopback,
        "MUTUAL_SETTINGS": settings,
        "MUTUAL_PROGRESS": progress,
    }
