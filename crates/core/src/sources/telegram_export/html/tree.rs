//! One HTML page as a small element tree built from `tokens`: elements and text with the byte span each
//! covers in the page, so a message's record can be digested as written and an error can name its line.
//! End tags close the nearest open element of their name (others are ignored), void elements never
//! open, nesting deeper than `MAX_DEPTH` is flattened and a page of more than `MAX_NODES` nodes is
//! refused, so no input can exhaust the stack or the memory. Every walk is iterative. It knows nothing
//! of Telegram's classes; `page` and `record` do.

use std::borrow::Cow;

use super::tokens::{decode, Tag, Token, Tokenizer};

/// Deeper elements are attached to the element at this depth instead of nesting further.
const MAX_DEPTH: usize = 256;

/// A page with more nodes than this is not a Telegram messages page (those hold 1000 messages of a few
/// dozen nodes each).
pub(super) const MAX_NODES: usize = 1_000_000;

pub(super) type NodeId = usize;

const NONE: u32 = u32::MAX;

#[derive(Debug)]
pub(super) enum NodeKind<'a> {
    Root,
    Element(Tag<'a>),
    /// Text as written (not yet decoded).
    Text(&'a str),
}

#[derive(Debug)]
pub(super) struct Node<'a> {
    pub kind: NodeKind<'a>,
    parent: u32,
    first_child: u32,
    last_child: u32,
    next_sibling: u32,
    /// Byte range in the page: from the start tag to the end of its end tag.
    start: u32,
    end: u32,
}

/// The page's nodes; node 0 is the root.
#[derive(Debug)]
pub(super) struct Document<'a> {
    src: &'a str,
    nodes: Vec<Node<'a>>,
}

/// Why a page could not be made into a tree.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TreeError {
    TooLarge,
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr",
];

fn index(id: NodeId) -> u32 {
    u32::try_from(id).unwrap_or(NONE)
}

fn link(raw: u32) -> Option<NodeId> {
    (raw != NONE).then_some(raw as usize)
}

impl<'a> Document<'a> {
    /// The tree of `src`, or `TooLarge`. Pages over 4 GiB are refused before this is reached.
    pub(super) fn parse(src: &'a str) -> Result<Document<'a>, TreeError> {
        let root = Node {
            kind: NodeKind::Root,
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            start: 0,
            end: index(src.len()),
        };
        let mut doc = Document { src, nodes: vec![root] };
        // Open elements: (node, name).
        let mut open: Vec<(NodeId, &'a str)> = vec![(0, "")];
        for (token, range) in Tokenizer::new(src) {
            let parent = open.last().map_or(0, |(id, _)| *id);
            match token {
                Token::Start { tag, self_closing } => {
                    let id = doc.append(parent, NodeKind::Element(tag), range.start, range.end)?;
                    let void = VOID.iter().any(|v| tag.is(v));
                    if !self_closing && !void && open.len() <= MAX_DEPTH {
                        open.push((id, tag.name));
                    }
                }
                Token::End { name } => {
                    let Some(at) =
                        open.iter().rposition(|(_, open_name)| open_name.eq_ignore_ascii_case(name))
                    else {
                        continue;
                    };
                    if at == 0 {
                        continue;
                    }
                    for (depth, (id, _)) in open.drain(at..).enumerate().rev() {
                        let end = if depth == 0 { range.end } else { range.start };
                        if let Some(node) = doc.nodes.get_mut(id) {
                            node.end = index(end);
                        }
                    }
                }
                Token::Text(text) => {
                    doc.append(parent, NodeKind::Text(text), range.start, range.end)?;
                }
                Token::Other => {}
            }
        }
        for (id, _) in open.drain(1..) {
            if let Some(node) = doc.nodes.get_mut(id) {
                node.end = index(src.len());
            }
        }
        Ok(doc)
    }

    fn append(
        &mut self,
        parent: NodeId,
        kind: NodeKind<'a>,
        start: usize,
        end: usize,
    ) -> Result<NodeId, TreeError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(TreeError::TooLarge);
        }
        let id = self.nodes.len();
        self.nodes.push(Node {
            kind,
            parent: index(parent),
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            start: index(start),
            end: index(end),
        });
        let previous = self.nodes.get(parent).map_or(NONE, |p| p.last_child);
        if let Some(previous) = link(previous).and_then(|p| self.nodes.get_mut(p)) {
            previous.next_sibling = index(id);
        } else if let Some(parent) = self.nodes.get_mut(parent) {
            parent.first_child = index(id);
        }
        if let Some(parent) = self.nodes.get_mut(parent) {
            parent.last_child = index(id);
        }
        Ok(id)
    }

    fn node(&self, id: NodeId) -> Option<&Node<'a>> {
        self.nodes.get(id)
    }

    pub(super) fn tag(&self, id: NodeId) -> Option<&Tag<'a>> {
        match &self.node(id)?.kind {
            NodeKind::Element(tag) => Some(tag),
            _ => None,
        }
    }

    pub(super) fn text_of(&self, id: NodeId) -> Option<&'a str> {
        match self.node(id)?.kind {
            NodeKind::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The page text this node covers, tags included.
    pub(super) fn source(&self, id: NodeId) -> &'a str {
        self.node(id).and_then(|n| self.src.get(n.start as usize..n.end as usize)).unwrap_or_default()
    }

    /// The 1-based line the node starts on.
    pub(super) fn line(&self, id: NodeId) -> usize {
        let start = self.node(id).map_or(0, |n| n.start as usize);
        1 + self.src.as_bytes().get(..start).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
    }

    pub(super) fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let first = self.node(id).and_then(|n| link(n.first_child));
        std::iter::successors(first, |&child| self.node(child).and_then(|n| link(n.next_sibling)))
    }

    /// The element children of `id` whose tag has every class in `classes`.
    pub(super) fn children_with(&self, id: NodeId, classes: &[&str]) -> impl Iterator<Item = NodeId> + '_ {
        let classes: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
        self.children(id)
            .filter(move |&child| self.tag(child).is_some_and(|tag| classes.iter().all(|c| tag.has_class(c))))
    }

    pub(super) fn child_with(&self, id: NodeId, classes: &[&str]) -> Option<NodeId> {
        self.children_with(id, classes).next()
    }

    /// The node after `id` in document order, descending into it.
    pub(super) fn next_in_order(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).and_then(|n| link(n.first_child)).or_else(|| self.next_after(id))
    }

    /// The node after `id`'s subtree in document order.
    pub(super) fn next_after(&self, id: NodeId) -> Option<NodeId> {
        let mut at = id;
        loop {
            let node = self.node(at)?;
            if let Some(sibling) = link(node.next_sibling) {
                return Some(sibling);
            }
            at = link(node.parent)?;
        }
    }

    /// Every node below `id`, in document order.
    pub(super) fn descendants(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let stop = self.next_after(id);
        let first = self.node(id).and_then(|n| link(n.first_child));
        std::iter::successors(first, move |&at| self.next_in_order(at).filter(|&next| Some(next) != stop))
    }

    /// The first element below `id` whose tag has every class in `classes`.
    pub(super) fn find(&self, id: NodeId, classes: &[&str]) -> Option<NodeId> {
        self.descendants(id)
            .find(|&d| self.tag(d).is_some_and(|tag| classes.iter().all(|c| tag.has_class(c))))
    }

    /// The decoded text below `id`, tags left out.
    pub(super) fn text(&self, id: NodeId) -> String {
        let mut out = String::new();
        for d in self.descendants(id) {
            if let Some(text) = self.text_of(d) {
                out.push_str(&decode(text));
            }
        }
        out
    }

    /// The decoded text of `id`'s own text children, leaving out what its child elements hold.
    pub(super) fn own_text(&self, id: NodeId) -> String {
        self.children(id).filter_map(|c| self.text_of(c)).map(decode).collect::<Vec<Cow<'_, str>>>().concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_nest_and_spans_cover_their_source() {
        let src = "<div class=\"a\"><b>x</b>y<br><i>z</div><p>q";
        let doc = Document::parse(src).expect("a small page");
        let div = doc.find(0, &["a"]).expect("the div");
        assert_eq!(doc.source(div), "<div class=\"a\"><b>x</b>y<br><i>z</div>");
        assert_eq!(doc.text(div), "xyz");
        assert_eq!(doc.own_text(div), "y");
        assert_eq!(doc.children(div).count(), 4, "b, y, br, i (closed by </div>)");
        assert_eq!(doc.text(0), "xyzq");
    }

    #[test]
    fn deep_nesting_is_flattened_and_huge_pages_are_refused() {
        let deep = "<div>".repeat(100_000);
        let doc = Document::parse(&deep).expect("parses");
        assert_eq!(doc.descendants(0).count(), 100_000);
        let huge = "<b>".repeat(MAX_NODES + 1);
        assert_eq!(Document::parse(&huge).err(), Some(TreeError::TooLarge));
    }

    #[test]
    fn lines_are_counted_from_one() {
        let doc = Document::parse("<a>\n\n<b>x</b>").expect("parses");
        let b = doc.descendants(0).find(|&d| doc.tag(d).is_some_and(|t| t.is("b"))).expect("b");
        assert_eq!(doc.line(b), 3);
    }
}
