"""``feedpub import``: an existing show's feed -> podcast.toml and episodes/, every guid kept.

:mod:`.read_feed` streams the feed into plain records; :mod:`.write_show` turns
them into the show's files through the schema's TOML writer; :mod:`.fetch` bounds
every download.
"""
