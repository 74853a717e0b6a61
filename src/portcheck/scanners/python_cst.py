"""Python scanner, libcst path: the fallback for files the running Python's own parser rejects (newer syntax).

The stdlib walk in python_ast.py finds exactly what this walker finds (checked on 3,848 real files); this one
stays for Python syntax newer than the interpreter, which libcst's own grammar knows.
"""
from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..model import ApiUse
from . import ScanOutput
from .python_text import line_list
from .pyrules import DEVICE_CALLS, DEVICE_KWARGS, ENV_CALLS, PG_CALLS, Rules, device_string, env_name_counts


class _Walker(Rules):
    """Collect candidate nodes (with symbol, kind, detail) in one pass; positions are resolved afterwards."""

    def __init__(self, tables) -> None:
        super().__init__(tables)
        self.skip: set[int] = set()
        self.called: set[int] = set()  # ids of nodes that are the callee of a Call

    # ------------------------------------------------------------------------------------------ resolving
    def resolve(self, node: cst.BaseExpression) -> str | None:
        parts: list[str] = []
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name):
            return None
        head = self.aliases.get(node.value)
        if head is None:
            return None
        parts.append(head)
        return ".".join(reversed(parts))

    # ------------------------------------------------------------------------------------------ walking
    def walk(self, node: cst.CSTNode) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            if id(n) in self.skip:
                continue
            if self.visit(n):
                stack.extend(reversed(_children(n)))

    def visit(self, n: cst.CSTNode) -> bool:
        if isinstance(n, cst.Import):
            for alias in n.names:
                mod = _dotted(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.aliases[alias.asname.name.value] = mod
                else:
                    self.aliases[mod.split(".")[0]] = mod.split(".")[0]
                sym = self.import_symbol(mod)
                if sym:
                    self.add(alias, sym, "import")
            return False
        if isinstance(n, cst.ImportFrom):
            if n.relative or n.module is None:
                return False
            mod = _dotted(n.module)
            if isinstance(n.names, cst.ImportStar):
                sym = self.import_symbol(mod)
                if sym:
                    self.add(n, sym, "import")
                return False
            for alias in n.names:
                name = _dotted(alias.name)
                full = f"{mod}.{name}"
                local = alias.asname.name.value if alias.asname is not None and isinstance(
                    alias.asname.name, cst.Name) else name
                self.aliases[local] = full
                sym = self.import_from(mod, full)
                if sym:
                    self.add(alias, sym, "import")
            return False
        if isinstance(n, cst.Decorator):
            target = n.decorator.func if isinstance(n.decorator, cst.Call) else n.decorator
            qual = self.resolve(target)
            if qual and self.in_package(qual):
                self.add(n.decorator, qual, "decorator")
                if isinstance(n.decorator, cst.Call):
                    self.skip.add(id(n.decorator.func))
                    return True
                return False
            return True
        if isinstance(n, cst.Call):
            self._call(n)
            return True
        if isinstance(n, (cst.Attribute, cst.Name)):
            return self._chain(n)
        if isinstance(n, cst.Subscript):
            self._subscript(n)
            return True
        if isinstance(n, cst.Comparison):
            self._comparison(n)
            return True
        return True

    def _chain(self, n: cst.Attribute | cst.Name) -> bool:
        qual = self.resolve(n)
        if qual is not None:
            sym = self.is_tie(qual)
            if sym is not None:
                kind = "call" if id(n) in self.called else "attribute" if isinstance(n, cst.Attribute) else "identifier"
                self.add(n, sym, kind, detail=_via(n, qual))
                return False
            if isinstance(n, cst.Attribute):
                return False  # a resolved non-CUDA chain (torch.nn.Linear): nothing inside it is a tie
        if isinstance(n, cst.Attribute) and n.attr.value == "is_cuda":
            self.add(n.attr, "Tensor.is_cuda", "attribute", "syntactic")
            return True
        return True

    def _call(self, n: cst.Call) -> None:
        func = n.func
        self.called.add(id(func))
        qual = self.resolve(func)
        if isinstance(func, cst.Attribute) and func.attr.value == "cuda" and (
                qual is None or not qual.startswith("torch")):
            self.add(func.attr, "Tensor.cuda", "method", "syntactic")
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        # device strings
        dev_positional = (qual in DEVICE_CALLS) or name == "to"
        for i, arg in enumerate(n.args):
            kw = arg.keyword.value if arg.keyword is not None else None
            if kw in DEVICE_KWARGS or (kw is None and dev_positional and (i == 0 or name == "to")):
                self._device_value(arg.value)
        # process groups
        if (qual in PG_CALLS) or name in ("init_process_group", "new_group", "new_subgroups", "init_device_mesh"):
            for i, arg in enumerate(n.args):
                kw = arg.keyword.value if arg.keyword is not None else None
                if kw == "backend" or (kw is None and i == 0 and name in ("init_process_group", "new_group")):
                    s = _string_value(arg.value)
                    if s is not None and "nccl" in s.lower():
                        self.add(arg.value, "backend:nccl", "backend-string", "syntactic", s)
        # environment variables
        if qual in ENV_CALLS and n.args:
            s = _string_value(n.args[0].value)
            if s is not None and env_name_counts(s, self.tables):
                self.add(n.args[0].value, s, "env-var", "resolved", qual)

    def _device_value(self, value: cst.BaseExpression) -> None:
        s = _string_value(value)
        if s is not None:
            if device_string(s):
                self.add(value, "device:cuda", "device-string", "syntactic", s)
            return
        if isinstance(value, cst.FormattedString):
            head = "".join(p.value for p in value.parts if isinstance(p, cst.FormattedStringText))
            first = value.parts[0] if value.parts else None
            if isinstance(first, cst.FormattedStringText) and re.match(r"cuda(:|$)", first.value):
                self.add(value, "device:cuda", "device-string", "syntactic", head + "{...}")
        elif isinstance(value, cst.Dict):  # map_location={"cuda:1": "cuda:0"}
            for el in value.elements:
                if isinstance(el, cst.DictElement):
                    self._device_value(el.key)
                    self._device_value(el.value)

    def _subscript(self, n: cst.Subscript) -> None:
        if self.resolve(n.value) == "os.environ" and len(n.slice) == 1:
            idx = n.slice[0].slice
            if isinstance(idx, cst.Index):
                s = _string_value(idx.value)
                if s is not None and env_name_counts(s, self.tables):
                    self.add(idx.value, s, "env-var", "resolved", "os.environ[...]")

    def _comparison(self, n: cst.Comparison) -> None:
        left = n.left
        for target in n.comparisons:
            right = target.comparator
            op = target.operator
            for a, b in ((left, right), (right, left)):
                s = _string_value(a)
                if s is None:
                    continue
                if isinstance(op, (cst.In, cst.NotIn)) and a is left and self.resolve(b) == "os.environ":
                    if env_name_counts(s, self.tables):
                        self.add(a, s, "env-var", "resolved", "in os.environ")
                elif isinstance(op, (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot)):
                    other = _code(b)
                    if device_string(s) and ("device" in other or other.endswith(".type")):
                        self.add(a, "device:cuda", "device-string", "syntactic", f"compared with {other}")
                    elif s.lower() == "nccl" and "backend" in other.lower():
                        self.add(a, "backend:nccl", "backend-string", "syntactic", f"compared with {other}")
            left = right


def _children(n: cst.CSTNode) -> list[cst.CSTNode]:
    """Children worth visiting: never a bare attribute name, keyword name or definition name."""
    if isinstance(n, cst.Attribute):
        return [n.value]
    if isinstance(n, cst.Arg):
        return [n.value]
    if isinstance(n, cst.Param):
        return [x for x in (n.annotation, n.default) if x is not None]
    if isinstance(n, cst.FunctionDef):
        return [*n.decorators, n.params, *([n.returns] if n.returns else []), n.body]
    if isinstance(n, cst.ClassDef):
        return [*n.decorators, *n.bases, *n.keywords, n.body]
    return list(n.children)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _string_value(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.SimpleString):
        try:
            val = node.evaluated_value
        except Exception:
            return None
        return val if isinstance(val, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = _string_value(node.left), _string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _code(node: cst.CSTNode) -> str:
    try:
        return cst.Module([]).code_for_node(node)
    except Exception:
        return ""


def _via(node: cst.CSTNode, qual: str) -> str:
    code = _code(node)
    return "" if code == qual else f"via {code}"


def scan_cst(path: str, text: str, tables, out: ScanOutput) -> bool:
    """Scan with libcst into `out`; False when libcst cannot parse the text either.

    Only for text the stdlib parser rejects (syntax newer than the running Python) and that `cst_may_try` found
    shallow enough: libcst's native parser overflows the C stack on deep nesting instead of raising.
    """
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return False
    walker = _Walker(tables)
    try:
        walker.walk(module)
    except RecursionError:
        out.partial = "nesting too deep; scanned in part"
    if not walker.hits:
        return True
    try:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    except RecursionError:
        out.partial = "nesting too deep to locate findings; not reported"
        return True
    lines = line_list(text)
    for node, symbol, kind, confidence, detail, family in walker.hits:
        pos = positions.get(node)
        if pos is None:
            continue
        line = pos.start.line
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        out.uses.append(ApiUse(path, line, pos.start.column + 1, pos.end.line, pos.end.column + 1, "python", kind,
                               symbol, family, source, confidence, detail))
    out.uses.sort(key=lambda u: (u.line, u.column, u.symbol))
    return True
