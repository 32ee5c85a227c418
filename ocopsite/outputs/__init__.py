"""Machine-readable outputs: sitemap, Atom feed, iCalendar, JSON-LD, QR codes."""
