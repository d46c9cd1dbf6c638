"""Django's own template tags, doing less on every render where a page's answer cannot differ.

A builtin library (settings' TEMPLATES): its tags replace Django's of the same name in every
template. `{% extends %}` finds the root template's blocks once a compiled template: Django's
ExtendsNode collects them by walking the root's whole node tree on every render
(`get_nodes_by_type`), base.html's some hundred nodes for every page of the layout. A compiled
template does not change while the loader keeps it (a changed file is compiled anew), so what
the walk finds is kept beside it. `{% url %}` of a name alone (no arguments) is reversed once a
process for each language, URLconf, script prefix and current app (`pages.reversing`).
"""

from typing import Any
from weakref import WeakKeyDictionary

from django import template
from django.template.base import Parser, Template, TextNode, Token
from django.template.context import Context
from django.template.defaulttags import URLNode, url
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    do_extends,
)
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from pages import reversing

register = template.Library()

# A compiled template: its blocks if it is a root (extends nothing), else None.
_ROOT_BLOCKS: "WeakKeyDictionary[Template, dict[str, BlockNode] | None]" = WeakKeyDictionary()


def root_blocks(compiled: Template) -> dict[str, BlockNode] | None:
    """The template's `{% block %}` nodes by name if it extends nothing, as Django's
    ExtendsNode.render finds them; None for a template that extends another."""
    try:
        return _ROOT_BLOCKS[compiled]
    except KeyError:
        pass
    found = None
    for node in compiled.nodelist:
        # The ExtendsNode has to be the first non-text node.
        if not isinstance(node, TextNode):
            if not isinstance(node, ExtendsNode):
                blocks = compiled.nodelist.get_nodes_by_type(BlockNode)
                found = {block.name: block for block in blocks if isinstance(block, BlockNode)}
            break
    _ROOT_BLOCKS[compiled] = found
    return found


class KeptBlocksExtendsNode(ExtendsNode):
    def render(self, context: Context) -> SafeString:
        """ExtendsNode.render, with the root's blocks from `root_blocks`."""
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        blocks = root_blocks(compiled_parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            rendered: SafeString = compiled_parent._render(context)  # type: ignore[attr-defined]
            return rendered


@register.tag("extends")
def extends(parser: Parser, token: Token) -> Any:
    node = do_extends(parser, token)
    return KeptBlocksExtendsNode(node.nodelist, node.parent_name, node.template_dirs)


class KeptURLNode(URLNode):
    """URLNode for a name alone, as a constant: its URL kept once reversed."""

    def render(self, context: Context) -> str:
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        try:
            found = reversing.by_name(self.view_name.var, current_app)
        except NoReverseMatch:
            return super().render(context)  # Django's answer: "" with `as`, else raised
        if self.asvar:
            context[self.asvar] = found
            return ""
        return conditional_escape(found) if context.autoescape else found


@register.tag("url")
def url_tag(parser: Parser, token: Token) -> Any:
    node = url(parser, token)
    constant = not node.view_name.is_var and not node.view_name.filters
    if constant and not node.args and not node.kwargs:
        return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
    return node
