"""Markdown of the notes rendered to HTML that is safe to show: sanitised after rendering."""
import markdown
import nh3
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "code", "pre",
        "table", "thead", "tbody", "tr", "th", "td", "a", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Render Markdown to sanitised HTML (raw HTML in the source never survives)."""
    if not text:
        return Markup("")
    # Markdown passes raw HTML through, so the output is what gets sanitised.
    # "# Title" becomes <h3>: the page already has its h1/h2, and deeper levels fall to text.
    html = markdown.markdown(text, extensions=["extra", "sane_lists", "toc"], output_format="html",
                             extension_configs={"toc": {"baselevel": 3}})
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer nofollow", strip_comments=True)
    return Markup(clean)
