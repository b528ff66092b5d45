"""Label Studio labeling configs (XML, https://labelstud.io/tags/) read into ontology models.

`*Labels` tags become one tool per `<Label>` (RectangleLabels → bounding-box, PolygonLabels → polygon,
KeyPointLabels → point, BrushLabels → brush, Labels on text → ner, Labels on an image → the shape tags
beside it); `Choices` become radio / checkbox questions (single / multiple, dropdowns with
`layout="select"`), `Taxonomy` a tree dropdown, `TextArea` text, `Number` text with a number pattern,
`Rating` a radio of 1…maxRating, `Relations` relations. `perRegion` questions nest under the tools of
their object; `visibleWhen="choice-selected"` questions nest under the question they depend on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Classification, Ontology, Relation, Tool, TreeOption
from .build import Keys, Titles, color, options, tree_title
from .notes import Notes, Place
from .xml import Element, parse

SHAPE_LABELS = {"rectanglelabels": "bounding-box", "polygonlabels": "polygon", "keypointlabels": "point",
                "brushlabels": "brush", "hypertextlabels": "ner"}
SHAPES = {"rectangle": "bounding-box", "polygon": "polygon", "keypoint": "point", "brush": "brush",
          "videorectangle": "bounding-box"}
TEXT_OBJECTS = ("text", "hypertext")
SHAPE_OBJECTS = ("image", "video")
OBJECTS = {"image", "text", "hypertext", "audio", "audioplus", "video", "paragraphs", "timeseries", "table", "pdf",
           "list", "markdown", "channel"}
QUESTIONS = ("choices", "taxonomy", "textarea", "number", "rating", "datetime")
NUMBER = r"^-?[0-9]+([.][0-9]+)?$"
# How things look, not what is labelled — left out by design (docs/import.md) — and what every mapping reads.
PRESENTATION = {"name", "toname", "showinline", "style", "class", "opacity", "fillcolor", "strokecolor", "strokewidth",
                "canrotate", "smart", "smartonly", "snap", "layout", "maxwidth", "minwidth", "placeholder", "rows",
                "editable", "showsubmitbutton", "transcription", "skipduplicates", "size", "icon", "slider",
                "granularity", "showfullpath", "pathseparator", "pointsize", "pointstyle", "zoom", "zoomcontrol",
                "visiblewhen", "whentagname", "whenchoicevalue", "whenlabelvalue", "perregion", "required", "choice",
                "maxrating", "id"}
# What a label or relation carries over (its text, colour, key and hint), and what an answer does.
LABEL_MAPPED = frozenset({"value", "background", "hotkey", "hint"})
ANSWER_MAPPED = frozenset({"value", "hint"})
# Tags that only group others on the screen (https://labelstud.io/tags/view, /tags/collapse): read through.
CONTAINERS = ("view", "collapse", "panel")
_WARNED = {"leafsonly": "annotators may pick any node of the tree, not only leaves",
           "apiurl": "the tree is loaded from a URL: only the nodes written in the config are imported",
           "maxusages": "Ango does not limit how often an answer or label is used",
           "requiredmessage": "Ango shows its own message for a missing answer",
           "min": "Ango does not check the range of a number", "max": "Ango does not check the range of a number",
           "step": "Ango does not check the step of a number", "defaultvalue": "Ango questions start unanswered",
           "maxsubmissions": "Ango takes one answer per text question"}


@dataclass
class _Question:
    element: Element
    view: Element | None
    header: str | None
    children: list[_Question] = field(default_factory=list)

    def attr(self, name: str) -> str | None:
        """The question's own attribute, else that of the `<View>` around it (visibility is set on either)."""
        own = self.element.attrs.get(name)
        if own is None and self.view is not None and "visiblewhen" not in self.element.attrs:
            return self.view.attrs.get(name)
        return own


def place(element: Element) -> Place:
    name = element.attrs.get("name") or element.attrs.get("value")
    return Place(f"<{element.tag}{f' {name!r}' if name else ''}>", element.line, element.column)


def read(text: str, notes: Notes) -> Ontology:
    """The label set of a labeling config; whatever has no Ango equivalent is noted, never dropped silently."""
    reader = _Reader(notes)
    reader.walk(parse(text, notes.source), None)
    return reader.ontology()


class _Reader:
    def __init__(self, notes: Notes) -> None:
        self.notes = notes
        self.objects: dict[str, str] = {}
        self.label_tags: list[Element] = []
        self.shapes: list[Element] = []
        self.questions: list[_Question] = []
        self.relations: list[Element] = []
        self.header: str | None = None
        self.keys = Keys(notes)

    def walk(self, element: Element, view: Element | None) -> None:
        for child in element.children:
            name = child.name
            if name in CONTAINERS:
                self.walk(child, child if "visiblewhen" in child.attrs else view)
            elif name == "repeater":
                self.notes.warn(place(child), "<Repeater> repeats its questions for each item of the task's data; "
                                              "Ango has no such repetition: they are imported once")
                self.walk(child, view)
            elif name == "header":
                self.header = child.attrs.get("value") or child.text.strip() or None
            elif name in OBJECTS:
                self.objects[child.attrs.get("name", "")] = name
            elif name in SHAPE_LABELS or name.endswith("labels"):
                self.label_tags.append(child)
            elif name in SHAPES:
                self.shapes.append(child)
            elif name in QUESTIONS:
                self.questions.append(_Question(child, view, self.header))
            elif name == "relations":
                self.relations.append(child)
            elif name not in ("style", "filter"):
                self.notes.warn(place(child), f"<{child.tag}> has no Ango equivalent: left out")
            if name not in ("header", *CONTAINERS):
                self.header = None  # a header describes the question right after it, nothing further

    def attributes(self, element: Element, mapped: frozenset[str] = frozenset()) -> None:
        """Note each attribute that is neither presentation nor carried over by the element's mapping (`mapped`)."""
        for name, value in element.attrs.items():
            if name in _WARNED:
                self.notes.warn(place(element), f"{name}={value!r} not kept: {_WARNED[name]}")
            elif name not in PRESENTATION and name not in mapped:
                self.notes.warn(place(element), f"attribute {name}={value!r} has no Ango equivalent: left out")

    def answer_attributes(self, choice: Element) -> None:
        """An answer's attributes (of a `<Choices>` or a `<Taxonomy>`): its value and hint are carried over."""
        extras = [name for name in ("hotkey", "background", "alias", "selected") if name in choice.attrs]
        for name in extras:
            self.notes.warn(place(choice), f"{name}={choice.attrs[name]!r} of an answer not kept: Ango answers have "
                                           "no shortcut, colour, alias or default")
        self.attributes(choice, ANSWER_MAPPED | frozenset(extras))

    def label_attributes(self, label: Element) -> None:
        """A label's (or relation's) attributes: text, colour, key and hint are carried over; not an alias or a
        label selected from the start."""
        for name, why in (("alias", "Ango exports a label by its title"), ("selected", "no Ango label is chosen "
                                                                                   "before the annotator picks one")):
            if name in label.attrs:
                self.notes.warn(place(label), f"{name}={label.attrs[name]!r} of a label not kept: {why}")
        self.attributes(label, LABEL_MAPPED | {"alias", "selected"})

    # --- tools ---------------------------------------------------------------------------------------------

    def ontology(self) -> Ontology:
        titles = Titles(self.notes)
        tools: list[tuple[Tool, Element, str]] = []  # the tool, its labels tag, its object
        used_shapes: set[int] = set()
        for tag in self.label_tags:
            for tool_type, shape in self.tool_types(tag, used_shapes):
                for label in self.labels(tag):
                    tools.append((self.tool(label, tool_type, shape, titles), tag, tag.attrs.get("toname", "")))
        for shape in self.shapes:
            if id(shape) not in used_shapes:
                name = shape.attrs.get("name")
                tool = Tool(type=SHAPES[shape.name], title=titles.take(name, place(shape)))
                tools.append((tool, shape, shape.attrs.get("toname", "")))
                self.attributes(shape)
        classifications = self.place_questions(tools)
        return Ontology(tools=[tool for tool, _, _ in tools], classifications=classifications,
                        relations=self.relation_nodes(titles))

    def tool_types(self, tag: Element, used_shapes: set[int]) -> list[tuple[str, Element | None]]:
        """The tool type(s) a labels tag makes, with the shape tag each comes from (for `Labels` on an image)."""
        self.attributes(tag)
        if tag.attrs.get("choice") == "multiple":
            self.notes.warn(place(tag), "choice='multiple' not kept: an Ango object has one class")
        if tag.name in SHAPE_LABELS:
            return [(SHAPE_LABELS[tag.name], None)]
        target = self.objects.get(tag.attrs.get("toname", ""))
        if tag.name == "labels" and target in TEXT_OBJECTS:
            return [("ner", None)]
        if tag.name == "labels" and target == "pdf":
            return [("pdf", None)]
        if tag.name == "labels" and target in SHAPE_OBJECTS:
            shapes = [s for s in self.shapes if s.attrs.get("toname") == tag.attrs.get("toname")]
            used_shapes.update(id(shape) for shape in shapes)
            if shapes:
                return [(SHAPES[shape.name], shape if len(shapes) > 1 else None) for shape in shapes]
            self.notes.warn(place(tag), f"<{tag.tag}> on an {target} has no shape tag (Rectangle, Polygon…) beside "
                                        "it to say what to draw: left out")
            return []
        what = f"an <{target}>" if target else "that kind of data"
        self.notes.warn(place(tag), f"<{tag.tag}> on {what} has no Ango tool: its labels are left out")
        return []

    def labels(self, tag: Element) -> list[Element]:
        out = []
        for child in tag.children:
            if child.name == "label":
                out.append(child)
            else:
                self.notes.warn(place(child), f"<{child.tag}> inside <{tag.tag}> is not a label: left out")
        return out

    def tool(self, label: Element, tool_type: str, shape: Element | None, titles: Titles) -> Tool:
        self.label_attributes(label)
        value = label.attrs.get("value")
        title = titles.take(f"{value} ({shape.attrs.get('name') or shape.tag})" if shape is not None and value
                            else value, place(label))
        return Tool(type=tool_type, title=title, color=color(label.attrs.get("background"), place(label), self.notes),
                    shortcut_key=self.keys.take(label.attrs.get("hotkey"), title, place(label)),
                    description=label.attrs.get("hint") or None)

    def relation_nodes(self, titles: Titles) -> list[Relation]:
        out = []
        for tag in self.relations:
            self.attributes(tag)
            for child in tag.children:
                if child.name != "relation":
                    self.notes.warn(place(child), f"<{child.tag}> inside <{tag.tag}> is not a relation: left out")
                    continue
                self.label_attributes(child)
                title = titles.take(child.attrs.get("value"), place(child))
                out.append(Relation(type="one-to-one", title=title,
                                    color=color(child.attrs.get("background"), place(child), self.notes),
                                    shortcut_key=self.keys.take(child.attrs.get("hotkey"), title, place(child))))
        return out

    # --- questions -----------------------------------------------------------------------------------------

    def place_questions(self, tools: list[tuple[Tool, Element, str]]) -> list[Classification]:
        """Nest each question where Label Studio shows it; the top-level questions."""
        by_name = {q.element.attrs.get("name"): q for q in self.questions if q.element.attrs.get("name")}
        roots: list[_Question] = []
        for question in self.questions:
            parent = self.parent_of(question, by_name)
            (parent.children if parent is not None else roots).append(question)
        top: list[Classification] = []
        top_titles = Titles(self.notes)
        for question in roots:
            targets = self.region_tools(question, tools)
            if targets is None:
                top.append(self.classification(question, top_titles, None, set()))
            for tool in targets or []:
                titles = Titles(self.notes)
                titles.seen = {child.title for child in tool.classifications}
                tool.classifications.append(self.classification(question, titles, None, set()))
        return top

    def parent_of(self, question: _Question, by_name: dict[str | None, _Question]) -> _Question | None:
        when = question.attr("visiblewhen")
        if when != "choice-selected":
            if when == "choice-unselected":
                self.notes.warn(place(question.element), "visibleWhen='choice-unselected' has no Ango equivalent: "
                                                         "the question is always shown")
            return None
        parent = by_name.get(question.attr("whentagname"))
        if parent is None or parent is question or parent.element.name not in ("choices", "taxonomy"):
            self.notes.warn(place(question.element), f"visibleWhen names no choice question here "
                                                     f"(whenTagName={question.attr('whentagname')!r}): always shown")
            return None
        return parent

    def region_tools(self, question: _Question, tools: list[tuple[Tool, Element, str]]) -> list[Tool] | None:
        """The tools a per-region question belongs under; None for a question about the whole task."""
        if question.attr("perregion") != "true" and question.attr("visiblewhen") != "region-selected":
            return None
        wanted = {v.strip() for v in (question.attr("whenlabelvalue") or "").split(",") if v.strip()}
        tag_name = question.attr("whentagname")
        targets = [tool for tool, tag, target in tools
                   if target == question.element.attrs.get("toname")
                   and (not wanted or tool.title in wanted) and (not tag_name or tag.attrs.get("name") == tag_name)]
        if not targets:
            self.notes.warn(place(question.element), "a per-region question with no tool to sit under: "
                                                     "imported as a question about the whole task")
            return None
        return targets

    def classification(self, question: _Question, titles: Titles, when: str | None,
                       seen: set[int]) -> Classification:
        element = question.element
        self.attributes(element, frozenset({"value"}) if element.name == "textarea" else frozenset())  # said below
        title = titles.take(element.attrs.get("name"), place(element))
        node = Classification(type="text", title=title, when=when, required=element.attrs.get("required") == "true",
                              description=question.header)
        getattr(self, f"_{element.name}")(node, element)
        child_titles = Titles(self.notes)
        for child in question.children:
            if id(child) in seen:
                self.notes.warn(place(child.element), "questions that reveal each other: nested once")
                continue
            answer = self.answer(child, node)
            node.classifications.append(self.classification(child, child_titles, answer, seen | {id(question)}))
        return node

    def answer(self, child: _Question, parent: Classification) -> str | None:
        values = [v.strip() for v in (child.attr("whenchoicevalue") or "").split(",") if v.strip()]
        # A tree answer is its path; Label Studio names a taxonomy node by its value alone.
        choices = {o.value: o.value for o in parent.options} | _paths(parent.tree_options, "")
        known = [choices[value] for value in values if value in choices]
        if not known:
            self.notes.warn(place(child.element), f"shown for any answer of '{parent.title}' "
                                                  "(whenChoiceValue names none of its answers)")
            return None
        if len(known) > 1:
            self.notes.warn(place(child.element), f"shown for several answers ({', '.join(known)}); an Ango question "
                                                  f"follows one answer: kept for '{known[0]}'")
        return known[0]

    def _choices(self, node: Classification, element: Element) -> None:
        multiple = element.attrs.get("choice") == "multiple"
        select = element.attrs.get("layout") == "select"
        node.type = ("multi-dropdown" if multiple else "single-dropdown") if select else \
            ("checkbox" if multiple else "radio")
        pairs, hints = [], {}
        for child in element.children:
            if child.name != "choice":
                self.notes.warn(place(child), f"<{child.tag}> inside <{element.tag}> is not a choice: left out")
                continue
            self.answer_attributes(child)
            value = child.attrs.get("value")
            pairs.append((value, place(child)))
            if child.attrs.get("hint") and value:
                hints[value] = child.attrs["hint"]
        node.options = options(pairs, self.notes, hints)
        self._no_answers(node, element)

    def _no_answers(self, node: Classification, element: Element) -> None:
        if not node.options and not node.tree_options:
            self.notes.warn(place(element), "a choice question without answers (answers loaded from the task's "
                                            "data?): imported as free text")
            node.type = "text"

    def _taxonomy(self, node: Classification, element: Element) -> None:
        node.type = "tree-dropdown"
        node.tree_options = self._tree(element)
        self._no_answers(node, element)

    def _tree(self, element: Element) -> list[TreeOption]:
        titles = Titles(self.notes)
        out = []
        for child in element.children:
            if child.name != "choice":
                self.notes.warn(place(child), f"<{child.tag}> inside <{element.tag}> is not a choice: left out")
                continue
            self.answer_attributes(child)
            title = tree_title(child.attrs.get("value"), place(child), titles)
            out.append(TreeOption(title=title, children=self._tree(child), description=child.attrs.get("hint")))
        return out

    def _textarea(self, node: Classification, element: Element) -> None:
        if element.attrs.get("value"):
            self.notes.warn(place(element), "the pre-filled text is not kept: Ango questions start unanswered")

    def _number(self, node: Classification, element: Element) -> None:
        node.regex = NUMBER

    def _datetime(self, node: Classification, element: Element) -> None:
        self.notes.warn(place(element), "a date and time question: imported as free text (Ango has no date question)")

    def _rating(self, node: Classification, element: Element) -> None:
        node.type = "radio"
        top = element.attrs.get("maxrating", "5")
        count = int(top) if top.isdigit() and 0 < int(top) <= 100 else 5
        node.options = options([(str(n), place(element)) for n in range(1, count + 1)], self.notes)


def _paths(nodes: list[TreeOption], prefix: str) -> dict[str, str]:
    """Each tree node's path, by its path and by its title (the first node of that title)."""
    out: dict[str, str] = {}
    for item in nodes:
        path = f"{prefix} / {item.title}" if prefix else item.title
        out.setdefault(item.title, path)
        out[path] = path
        for key, value in _paths(item.children, path).items():
            out.setdefault(key, value)
    return out
