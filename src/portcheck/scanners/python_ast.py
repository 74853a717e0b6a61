"""Python scanner, stdlib path: one iterative walk over an `ast` tree that finds exactly what the libcst walker finds.

ast gives UTF-8 byte columns and forgets parentheses and the raw text of strings. `Source` rebuilds from the text
what libcst keeps (character columns, the parentheses a node owns, f-string literal parts), and only for the few
nodes that become findings, so the walk itself stays a plain loop over the tree.
"""
from __future__ import annotations

import ast
import re
from bisect import bisect_right

from .pyrules import DEVICE_CALLS, DEVICE_KWARGS, ENV_CALLS, PG_CALLS, Rules, device_string, env_name_counts

MAX_DEPTH = 200  # the tree depth the libcst path refuses (its native parser can overflow the C stack)

_NL = re.compile(r"\r\n|\r|\n")
# One lexical unit of Python source; strings are matched whole (3.11 tokenizes an f-string as one string).
_LEX = re.compile(r"""
    (?P<ws>(?:[ \t\f\r\n]|\\(?:\r\n|\r|\n))+)
  | (?P<com>\#[^\r\n]*)
  | (?P<str>[rRbBuUfF]{0,2}(?:'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                            |'(?:[^'\\\r\n]|\\\r\n|\\.)*'|"(?:[^"\\\r\n]|\\\r\n|\\.)*"))
  | (?P<name>\w+)
  | (?P<other>.)""", re.X | re.S)
_PREFIX_QUOTE = re.compile(r"([A-Za-z]{0,2})('''|\"\"\"|'|\")")
_WITH = re.compile(r"(?:async(?:[ \t\f]|\\(?:\r\n|\r|\n))+)?with\b")
_FSTRING_HEAD = re.compile(r"cuda(:|$)")
_NAME_AT_END = re.compile(r"\w+\Z")
_OWN_PARENS = (ast.Call, ast.ClassDef, ast.With, ast.AsyncWith)  # parents whose syntax has parentheses


class Source:
    """The text as ast counts it: physical lines, character columns, absolute offsets, libcst's view of code."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None
        m = _NL.search(text)
        self.newline = m.group() if m else "\n"  # libcst's default newline: the first one in the file

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            t = self.text
            self._lines = _NL.split(t) if "\r" in t else t.split("\n")
        return self._lines

    def col(self, line: int, byte_col: int) -> int:
        """0-based character column of a UTF-8 byte offset on a line (ast's col_offset)."""
        if self.ascii:
            return byte_col
        s = self.lines[line - 1]
        if s.isascii():
            return byte_col
        return len(s.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "replace"))

    def pos(self, node: ast.AST) -> tuple[int, int, int, int]:
        """1-based line and column, end line and exclusive end column, in characters."""
        if self.ascii:
            return node.lineno, node.col_offset + 1, node.end_lineno, node.end_col_offset + 1
        return (node.lineno, self.col(node.lineno, node.col_offset) + 1, node.end_lineno,
                self.col(node.end_lineno, node.end_col_offset) + 1)

    def attr_pos(self, node: ast.Attribute, name: str) -> tuple[int, int, int, int]:
        """Position of an attribute's name: it ends the Attribute node."""
        line, end = node.end_lineno, self.col(node.end_lineno, node.end_col_offset)
        return line, end - len(name) + 1, line, end + 1

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _NL.finditer(self.text))]
        return self._starts

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.offset(node.lineno, self.col(node.lineno, node.col_offset)),
                self.offset(node.end_lineno, self.col(node.end_lineno, node.end_col_offset)))

    def at(self, off: int, end: int) -> tuple[int, int, int, int]:
        """Position tuple of absolute offsets [off, end)."""
        starts = self.starts
        l1, l2 = bisect_right(starts, off), bisect_right(starts, end)
        return l1, off - starts[l1 - 1] + 1, l2, end - starts[l2 - 1] + 1

    # ------------------------------------------------------------------------------------------ lexing
    def next_sig(self, i: int) -> int:
        """Index of the first significant character at or after i (not blank, comment or continuation)."""
        m = _LEX.match(self.text, i)
        while m is not None and m.lastgroup in ("ws", "com"):
            m = _LEX.match(self.text, m.end())
        return m.start() if m is not None else -1

    def prev_sig(self, lower: int, i: int) -> int:
        """Index of the last significant character before i, lexing forward from the token boundary `lower`."""
        last, text, j = -1, self.text, lower
        while j < i:
            m = _LEX.match(text, j)
            if m is None:
                break
            if m.lastgroup not in ("ws", "com"):
                last = m.end() - 1
            j = m.end()
        return last

    def code(self, node: ast.AST, owner: ast.AST | None) -> str:
        """The node's code as libcst prints it: with the parentheses it owns, structural newlines as '\\n'."""
        l1, l2 = node.lineno, node.end_lineno
        c1, c2 = self.col(l1, node.col_offset), self.col(l2, node.end_col_offset)
        if l1 == l2:  # the common case: one line, no parentheses of its own
            line = self.lines[l1 - 1]
            i = c1 - 1
            while i >= 0 and line[i] in " \t\f":
                i -= 1
            if i >= 0 and line[i] != "(":
                return line[c1:c2]
            if i >= 0:
                j = c2
                while j < len(line) and line[j] in " \t\f":
                    j += 1
                if j < len(line) and line[j] not in ")#\\":
                    return line[c1:c2]
        s, e = self.offset(l1, c1), self.offset(l2, c2)
        lower = self._boundary(owner, s)
        text = self.text
        while True:
            p = self.prev_sig(lower, s)
            if p < 0 or text[p] != "(":
                break
            q = self.next_sig(e)
            if q < 0 or text[q] != ")" or self._owned(owner, p, q):
                break
            s, e = p, q + 1
        return self.structural(text[s:e])

    def _boundary(self, owner: ast.AST | None, s: int) -> int:
        """A token boundary at or before s: the owner's start, else the '@' of the decorator s is in."""
        if owner is not None and getattr(owner, "lineno", None) is not None:
            b = self.offset(owner.lineno, self.col(owner.lineno, owner.col_offset))
            if b <= s:
                return b
        at = self.text.rfind("@", 0, s)
        return at if at >= 0 else self.starts[bisect_right(self.starts, s) - 1]

    def _owned(self, owner: ast.AST | None, p: int, q: int) -> bool:
        """Is the pair (p, q) around a child part of its owner's syntax (call, class bases, with items)?"""
        if not isinstance(owner, _OWN_PARENS):
            return False
        start, end = self.span(owner)
        if isinstance(owner, ast.Call):
            return q == end - 1
        if isinstance(owner, ast.ClassDef):
            return p == self.text.find("(", start)
        m = _WITH.match(self.text, start)  # `with (a, b):` - the statement owns the parentheses
        if m is None or self.next_sig(m.end()) != p:
            return False
        k = self.next_sig(q + 1)
        return k >= 0 and self.text[k] == ":"

    def structural(self, seg: str) -> str:
        """Newlines outside strings and continuations that equal the file's default newline print as '\\n'."""
        nl = self.newline
        if nl == "\n" or nl not in seg:
            return seg
        out, j = [], 0
        for m in _LEX.finditer(seg):
            if m.lastgroup == "ws" and "\\" not in m.group():
                out.append(seg[j:m.start()])
                out.append(_NL.sub(lambda x: "\n" if x.group() == nl else x.group(), m.group()))
                j = m.end()
        out.append(seg[j:])
        return "".join(out)

    def ws_parts(self, seg: str) -> str:  # pragma: no cover - kept for symmetry with structural()
        return seg


def fstring_head(body: str, raw: bool) -> list[str]:
    """Top-level literal parts of an f-string body, raw as written ('{{' stays '{{'), as libcst keeps them."""
    parts, n, i, start = [], len(body), 0, 0
    while i < n:
        c = body[i]
        if c == "\\" and not raw:
            if body.startswith("N{", i + 1):
                j = body.find("}", i + 3)
                i = j + 1 if j >= 0 else n
            else:
                i += 1 if body[i + 1:i + 2] in ("{", "}") else 2
        elif c == "{":
            if body.startswith("{", i + 1):
                i += 2
                continue
            if i > start:
                parts.append(body[start:i])
            i = start = _skip_field(body, i + 1)
        elif c == "}":
            i += 2 if body.startswith("}", i + 1) else 1
        else:
            i += 1
    if start < n:
        parts.append(body[start:])
    return parts


def _skip_field(body: str, i: int) -> int:
    """Index after the replacement field whose '{' precedes i (expression, conversion, format spec)."""
    n, depth = len(body), 0
    while i < n:
        c = body[i]
        if c in "'\"":
            q = body[i:i + 3] if body.startswith(c * 3, i) else c
            j = body.find(q, i + len(q))
            i = j + len(q) if j >= 0 else n
            continue
        if c in "([{":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        elif c == ":" and depth == 0:  # format spec: literal text with nested fields
            i += 1
            while i < n:
                if body[i] == "{":
                    i = _skip_field(body, i + 1)
                    continue
                if body[i] == "}":
                    return i + 1
                i += 1
            return n
        i += 1
    return n


def _string(node: ast.AST) -> str | None:
    if node.__class__ is ast.Constant and node.value.__class__ is str:
        return node.value
    return None


def _fields() -> dict[type, tuple[tuple[str, ...], bool]]:
    """Per node class: the fields worth pushing (reversed, for a LIFO stack) and whether it has a position."""
    skip = {"ctx", "op", "ops", "type_comment", "type_ignores", "name", "id", "attr", "arg", "module", "level",
            "names", "is_async", "simple", "conversion", "kind", "kwd_attrs", "rest", "tag", "decorator_list"}
    out = {}
    for cls in _all_subclasses(ast.AST):
        fields = tuple(f for f in getattr(cls, "_fields", ()) if f not in skip)
        if cls is ast.Constant:
            fields = ()
        out[cls] = (tuple(reversed(fields)), "lineno" in getattr(cls, "_attributes", ()))
    return out


def _all_subclasses(cls: type) -> list[type]:
    out, todo = [], [cls]
    while todo:
        c = todo.pop()
        out.append(c)
        todo.extend(c.__subclasses__())
    return out


FIELDS = _fields()


class AstWalker(Rules):
    """Collect findings with their positions in one pass over an ast tree (see python.py for the libcst twin)."""

    def __init__(self, tables, text: str) -> None:
        super().__init__(tables)
        self.src = Source(text)
        self.skip: set[int] = set()  # ids of decorator callees already reported as the decorator
        self.bound = 0  # an upper bound of the tree depth in subtrees the walk does not enter
        self.handlers = {
            ast.Name: self._name, ast.Attribute: self._attribute, ast.Call: self._call,
            ast.Subscript: self._subscript, ast.Compare: self._comparison, ast.Import: self._import,
            ast.ImportFrom: self._import_from, ast.FunctionDef: self._def, ast.AsyncFunctionDef: self._def,
            ast.ClassDef: self._def, ast.With: self._with, ast.AsyncWith: self._with,
            ast.Global: self._global, ast.Nonlocal: self._global, ast.ExceptHandler: self._except,
            ast.MatchAs: self._match_name, ast.MatchStar: self._match_name, ast.MatchMapping: self._match_rest,
            ast.MatchClass: self._match_class,
        }

    # ------------------------------------------------------------------------------------------ walking
    def walk(self, tree: ast.AST) -> int:
        """Visit the tree in source order; return an upper bound of its depth (as the stdlib pre-check counts)."""
        stack: list[tuple] = [(tree, 1, None)]
        pop, push = stack.pop, stack.append
        handlers, fields, constant = self.handlers, FIELDS, ast.Constant
        self._push = push
        maxd = 0
        while stack:
            node, d, owner = pop()
            if d > maxd:
                maxd = d
            cls = node.__class__
            h = handlers.get(cls)
            if h is not None and not h(node, d, owner):
                continue
            names, positioned = fields[cls]
            if not names:
                continue
            d += 1
            own = node if positioned else owner  # children of position-less nodes keep a positioned owner
            for f in names:
                v = getattr(node, f)
                if v.__class__ is list:
                    for c in reversed(v):
                        if c is not None and c.__class__ is not constant:
                            push((c, d, own))
                elif v is not None and v.__class__ is not constant:
                    push((v, d, own))
        return max(maxd + 2, self.bound)  # +2: leaves (context, operator, constant) under a visited node

    def resolve(self, node: ast.AST) -> str | None:
        parts: list[str] = []
        while node.__class__ is ast.Attribute:
            parts.append(node.attr)
            node = node.value
        if node.__class__ is not ast.Name:
            return None
        head = self.aliases.get(node.id)
        if head is None:
            return None
        if not parts:
            return head
        parts.append(head)
        return ".".join(reversed(parts))

    def _chain_bound(self, d: int, qual: str) -> None:
        b = d + qual.count(".") + 2
        if b > self.bound:
            self.bound = b

    def _via(self, node: ast.AST, qual: str, owner: ast.AST | None) -> str:
        code = self.src.code(node, owner)
        return "" if code == qual else f"via {code}"

    # ------------------------------------------------------------------------------------------ nodes
    def _name(self, n: ast.Name, d: int, owner) -> bool:
        head = self.aliases.get(n.id)
        if head is None or (self.skip and id(n) in self.skip):
            return False
        sym = self.is_tie(head)
        if sym is not None:
            kind = "call" if owner.__class__ is ast.Call and owner.func is n else "identifier"
            self.add(self.src.pos(n), sym, kind, detail=self._via(n, head, owner))
        return False

    def _attribute(self, n: ast.Attribute, d: int, owner) -> bool:
        if self.skip and id(n) in self.skip:
            return False
        qual = self.resolve(n)
        if qual is not None:
            self._chain_bound(d, qual)
            sym = self.is_tie(qual)
            if sym is not None:
                kind = "call" if owner.__class__ is ast.Call and owner.func is n else "attribute"
                self.add(self.src.pos(n), sym, kind, detail=self._via(n, qual, owner))
            return False  # a resolved chain: nothing inside it is a tie
        if n.attr == "is_cuda":
            self.add(self.src.attr_pos(n, "is_cuda"), "Tensor.is_cuda", "attribute", "syntactic")
        return True

    def _import(self, n: ast.Import, d: int, owner) -> bool:
        for alias in n.names:
            mod = alias.name
            if alias.asname is not None:
                self.aliases[alias.asname] = mod
            else:
                root = mod.split(".")[0]
                self.aliases[root] = root
            sym = self.import_symbol(mod)
            if sym:
                self.add(self.src.pos(alias), sym, "import")
        return False

    def _import_from(self, n: ast.ImportFrom, d: int, owner) -> bool:
        if n.level or n.module is None:
            return False
        mod = n.module
        if len(n.names) == 1 and n.names[0].name == "*":
            sym = self.import_symbol(mod)
            if sym:
                self.add(self.src.pos(n), sym, "import")
            return False
        for alias in n.names:
            full = f"{mod}.{alias.name}"
            self.aliases[alias.asname or alias.name] = full
            sym = self.import_from(mod, full)
            if sym:
                self.add(self.src.pos(alias), sym, "import")
        return False

    def _def(self, n, d: int, owner) -> bool:
        """Definitions: decorators first (libcst order), then signature or bases, then the body."""
        push, d1 = self._push, d + 1
        for c in reversed(n.body):
            push((c, d1, n))
        if n.__class__ is ast.ClassDef:
            for c in reversed(n.keywords):
                push((c, d1, n))
            for c in reversed(n.bases):
                if c.__class__ is not ast.Constant:
                    push((c, d1, n))
        else:
            if n.returns is not None and n.returns.__class__ is not ast.Constant:
                push((n.returns, d1, n))
            push((n.args, d1, n))
        for dec in reversed(n.decorator_list):
            if self._decorator(dec, d1):
                push((dec, d1, None))
        return False

    def _decorator(self, dec: ast.AST, d: int) -> bool:
        """Report `@triton.jit`-like decorators; True when the walk must still enter the expression."""
        if dec.__class__ is ast.Constant:
            return False
        is_call = dec.__class__ is ast.Call
        qual = self.resolve(dec.func if is_call else dec)
        if qual and self.in_package(qual):
            self._chain_bound(d + is_call, qual)
            self.add(self.src.pos(dec), qual, "decorator")
            if is_call:
                self.skip.add(id(dec.func))
            return is_call
        return True

    def _with(self, n, d: int, owner) -> bool:
        """Items are owned by the statement (not the position-less withitem): `with (x):` parentheses are its own."""
        push, d2 = self._push, d + 2
        for c in reversed(n.body):
            push((c, d + 1, n))
        for item in reversed(n.items):
            for c in (item.optional_vars, item.context_expr):
                if c is not None and c.__class__ is not ast.Constant:
                    push((c, d2, n))
        if d2 + 1 > self.bound:
            self.bound = d2 + 1
        return False

    def _call(self, n: ast.Call, d: int, owner) -> bool:
        func = n.func
        qual = self.resolve(func)
        is_attr = func.__class__ is ast.Attribute
        if is_attr and func.attr == "cuda" and (qual is None or not qual.startswith("torch")):
            self.add(self.src.attr_pos(func, "cuda"), "Tensor.cuda", "method", "syntactic")
        name = func.attr if is_attr else func.id if func.__class__ is ast.Name else ""
        args = _arguments(n)
        # device strings
        dev_positional = (qual in DEVICE_CALLS) or name == "to"
        for i, (kw, value) in enumerate(args):
            if kw in DEVICE_KWARGS or (kw is None and dev_positional and (i == 0 or name == "to")):
                self._device_value(value)
        # process groups
        if (qual in PG_CALLS) or name in ("init_process_group", "new_group", "new_subgroups", "init_device_mesh"):
            for i, (kw, value) in enumerate(args):
                if kw == "backend" or (kw is None and i == 0 and name in ("init_process_group", "new_group")):
                    s = _string(value)
                    if s is not None and "nccl" in s.lower():
                        self.add(self.src.pos(value), "backend:nccl", "backend-string", "syntactic", s)
        # environment variables
        if qual in ENV_CALLS and args:
            value = args[0][1]
            s = _string(value)
            if s is not None and env_name_counts(s, self.tables):
                self.add(self.src.pos(value), s, "env-var", "resolved", qual)
        return True

    def _device_value(self, value: ast.AST) -> None:
        cls = value.__class__
        if cls is ast.Constant:
            s = _string(value)
            if s is not None and device_string(s):
                self.add(self.src.pos(value), "device:cuda", "device-string", "syntactic", s)
        elif cls is ast.JoinedStr:
            head = self._fstring_head(value)
            if head is not None:
                self.add(self.src.pos(value), "device:cuda", "device-string", "syntactic", head + "{...}")
        elif cls is ast.Dict:  # map_location={"cuda:1": "cuda:0"}; `**other` entries are not looked into
            for k, v in zip(value.keys, value.values):
                if k is not None:
                    self._device_value(k)
                    self._device_value(v)

    def _fstring_head(self, node: ast.JoinedStr) -> str | None:
        """Literal head of a single f-string whose text starts 'cuda' or 'cuda:'; None otherwise."""
        src = self.src
        text = src.text
        s, e = src.span(node)
        m = _PREFIX_QUOTE.match(text, s)
        if m is None or "f" not in m.group(1).lower() or not text.startswith("cuda", m.end()):
            return None
        tok = _LEX.match(text, s)
        if tok is None or tok.lastgroup != "str" or tok.end() != e:
            return None  # implicitly concatenated: libcst sees a ConcatenatedString, not an f-string
        parts = fstring_head(text[m.end():e - len(m.group(2))], "r" in m.group(1).lower())
        if not parts or not _FSTRING_HEAD.match(parts[0]):
            return None
        return "".join(parts)

    def _subscript(self, n: ast.Subscript, d: int, owner) -> bool:
        if self.resolve(n.value) != "os.environ":
            return True
        idx = n.slice
        if idx.__class__ is ast.Tuple:  # `environ["X",]` is one element to libcst; `environ[("X",)]` is a tuple
            s, e = self.src.span(idx)
            text = self.src.text
            if len(idx.elts) != 1 or (text[s] == "(" and text[e - 1] == ")"):
                return True
            idx = idx.elts[0]
        if idx.__class__ is ast.Starred:
            idx = idx.value
        s = _string(idx)
        if s is not None and env_name_counts(s, self.tables):
            self.add(self.src.pos(idx), s, "env-var", "resolved", "os.environ[...]")
        return True

    def _comparison(self, n: ast.Compare, d: int, owner) -> bool:
        left = n.left
        for op, right in zip(n.ops, n.comparators):
            for a, b in ((left, right), (right, left)):
                s = _string(a)
                if s is None:
                    continue
                if op.__class__ in (ast.In, ast.NotIn) and a is left and self.resolve(b) == "os.environ":
                    if env_name_counts(s, self.tables):
                        self.add(self.src.pos(a), s, "env-var", "resolved", "in os.environ")
                elif op.__class__ in (ast.Eq, ast.NotEq, ast.Is, ast.IsNot):
                    other = self.src.code(b, n) if device_string(s) or s.lower() == "nccl" else ""
                    if device_string(s) and ("device" in other or other.endswith(".type")):
                        self.add(self.src.pos(a), "device:cuda", "device-string", "syntactic",
                                 f"compared with {other}")
                    elif s.lower() == "nccl" and "backend" in other.lower():
                        self.add(self.src.pos(a), "backend:nccl", "backend-string", "syntactic",
                                 f"compared with {other}")
            left = right
        return True

    # ------------------------------------------------------------------------------------------ bare names
    def _bare(self, name: str | None, where) -> None:
        """A name libcst visits but ast keeps as a string (global, except ... as, match captures)."""
        head = self.aliases.get(name) if name else None
        if head is None:
            return
        sym = self.is_tie(head)
        if sym is not None:
            pos = where()
            if pos is not None:
                self.add(pos, sym, "identifier", detail="" if name == head else f"via {name}")

    def _names_in(self, s: int, e: int) -> list[tuple[int, int]]:
        """Spans of identifier tokens in [s, e), strings and comments skipped."""
        out, text = [], self.src.text
        for m in _LEX.finditer(text[:e], s):
            if m.lastgroup == "name" and not m.group()[0].isdigit():
                out.append((m.start(), m.end()))
        return out

    def _global(self, n, d: int, owner) -> bool:
        def at(i: int):
            spans = self._names_in(*self.src.span(n))[1:]  # after the keyword
            return self.src.at(*spans[i]) if i < len(spans) else None
        for i, name in enumerate(n.names):
            self._bare(name, lambda i=i: at(i))
        return False

    def _except(self, n: ast.ExceptHandler, d: int, owner) -> bool:
        if n.name is not None and n.type is not None:
            def at():
                src = self.src
                _s, e = src.span(n.type)
                _s2, end = src.span(n)
                spans = [sp for sp in self._names_in(e, end) if src.text[sp[0]:sp[1]] != "as"]
                return src.at(*spans[0]) if spans else None
            self._bare(n.name, at)
        return True

    def _match_name(self, n, d: int, owner) -> bool:
        def at():
            s, e = self.src.span(n)
            m = _NAME_AT_END.search(self.src.text, s, e)
            return self.src.at(m.start(), m.end()) if m else None
        self._bare(n.name, at)
        return True

    def _match_rest(self, n: ast.MatchMapping, d: int, owner) -> bool:
        def at():
            spans = self._names_in(*self.src.span(n))
            return self.src.at(*spans[-1]) if spans else None
        self._bare(n.rest, at)
        return True

    def _match_class(self, n: ast.MatchClass, d: int, owner) -> bool:
        for i, (name, pat) in enumerate(zip(n.kwd_attrs, n.kwd_patterns)):
            def at(pat=pat):
                src = self.src
                lo = src.span(n.patterns[-1])[1] if n.patterns else src.span(n.cls)[1]
                hi = src.span(pat)[0]
                spans = self._names_in(lo, hi)
                return src.at(*spans[-1]) if spans else None
            self._bare(name, at)
        return True


def _arguments(n: ast.Call) -> list[tuple[str | None, ast.AST]]:
    """(keyword or None, value) in source order, as libcst's Call.args: `*x` and `**x` have no keyword."""
    out = [(None, a.value if a.__class__ is ast.Starred else a) for a in n.args]
    if n.keywords:
        kws = [(k.arg, k.value) for k in n.keywords]
        if out and any(a.__class__ is ast.Starred for a in n.args):  # f(a=1, *rest): keywords may come first
            keyed = [((a.lineno, a.col_offset), v) for a, v in zip(n.args, out)]
            keyed += [((k.lineno, k.col_offset), v) for k, v in zip(n.keywords, kws)]
            keyed.sort(key=lambda t: t[0])
            return [v for _, v in keyed]
        out += kws
    return out


def too_deep(tree: ast.AST) -> bool:
    """The stdlib pre-check's exact rule: any node deeper than MAX_DEPTH (counting every ast node)."""
    stack = [(tree, 1)]
    children = ast.iter_child_nodes
    while stack:
        node, d = stack.pop()
        if d > MAX_DEPTH:
            return True
        stack.extend((c, d + 1) for c in children(node))
    return False
