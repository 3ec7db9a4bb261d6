"""Crawlers: fetch community sources politely and safely, parse them, write items to the catalog."""
