"""Apple Podcasts' category list (19 categories, 91 subcategories).

Apple only recognises these exact, case-sensitive names; anything else makes
a show uncategorised, so config and validate both check against this list.
"""

from __future__ import annotations

CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing",
                 "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health",
                         "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary",
             "Politics", "Sports News", "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism",
                                "Religion", "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy",
                          "Places & Travel", "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf",
               "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball",
               "Wilderness", "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews",
                  "TV Reviews"),
}


def check_category(name: str, sub: str | None) -> str | None:
    """None when Apple knows the pair, else what is wrong with it."""
    if name not in CATEGORIES:
        close = [c for c in CATEGORIES if c.lower() == name.lower()]
        return f"{name!r} is not an Apple Podcasts category" + (
            f" (did you mean {close[0]!r}?)" if close else "")
    if sub is not None and sub not in CATEGORIES[name]:
        allowed = ", ".join(CATEGORIES[name]) or "none"
        return f"{sub!r} is not a subcategory of {name!r} (allowed: {allowed})"
    return None
