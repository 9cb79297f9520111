"""The review page: one speech with its requirements, actors and deadlines marked (Jinja2)."""

from review.model import AppContext, RowState
from review.render import also_asked_links, render_review, write_review_page

__all__ = ["AppContext", "RowState", "also_asked_links", "render_review", "write_review_page"]
