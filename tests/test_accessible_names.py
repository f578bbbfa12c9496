"""_ext/accessible_names.py: the names it gives, on markup shaped as the theme and Sphinx write it.

The browser tests run axe-core over every built page (summary-name, aria-required-children); these
check the two functions alone, quickly, and that they leave everything else as it was.
"""

from __future__ import annotations

from accessible_names import label_disclosures, unlist_citations
from bs4 import BeautifulSoup

# pydata-sphinx-theme 0.20's sidebar entry with children, as generate_toctree_html writes it.
SIDEBAR = """<ul class="nav bd-sidenav"><li class="toctree-l1 has-children">
<a class="reference internal" href="auto_examples/index.html">Recipes</a><details><summary>
<span class="toctree-toggle" role="presentation"><i class="fa-solid fa-chevron-down"></i></span>
</summary><ul><li class="toctree-l2"><a href="auto_examples/plot_01.html">One &amp; two</a></li>
</ul></details></li><li class="toctree-l1"><details><summary aria-label="Kept">x</summary>
</details></li></ul>"""


def test_a_summary_without_text_is_named_after_its_entry() -> None:
    labelled = BeautifulSoup(str(label_disclosures(SIDEBAR)), "html.parser")
    summaries = labelled.find_all("summary")
    assert summaries[0]["aria-label"] == "Show or hide the pages under Recipes"
    assert summaries[1]["aria-label"] == "Kept"  # a summary with a name keeps it
    # Nothing else changes: the same links, text and escaping.
    assert [a["href"] for a in labelled.find_all("a")] == [
        "auto_examples/index.html",
        "auto_examples/plot_01.html",
    ]
    assert "One &amp; two" in str(label_disclosures(SIDEBAR))
    assert "<br/>" not in str(label_disclosures("<p>a<br>b</p>"))


def test_the_theme_markup_is_not_edited() -> None:
    """The theme caches its sidebar soup: the function parses a copy, never the object it gets."""
    soup = BeautifulSoup(SIDEBAR, "html.parser")
    before = str(soup)
    label_disclosures(soup)
    assert str(soup) == before


def test_a_list_of_citations_loses_its_list_role_only() -> None:
    body = (
        '<p>Text</p><div role="list" class="citation-list">'
        '<div class="citation" id="bishop" role="doc-biblioentry"><p>Bishop</p></div></div>'
    )
    fixed = BeautifulSoup(unlist_citations(body), "html.parser")
    citations = fixed.select_one("div.citation-list")
    assert citations is not None
    assert "role" not in citations.attrs
    assert fixed.select_one("#bishop")["role"] == "doc-biblioentry"
    assert unlist_citations("<p>No citations &amp; more</p>") == "<p>No citations &amp; more</p>"
