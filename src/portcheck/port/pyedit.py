"""Python rewrites through libcst: the scanner's own walker finds the ties, a transformer edits only those nodes.

What is edited (each only when the backend's verdict is `rename` with a target):
- imports: `from torch.cuda.amp import autocast` -> `from torch.musa.amp import autocast`; `import torch.cuda as tc`
  -> `import torch.musa as tc`; a `from` import whose names go different ways is split (the renamed names move to
  a new statement right after it). A name whose last part changes keeps its local name (`... import X as old`).
- attribute chains spelled from an imported module: `torch.cuda.synchronize` -> `torch.musa.synchronize`;
  uses through a rewritten import are already right and stay as they are.
- device strings where the scanner recognises them ("cuda", "cuda:0", f"cuda:{r}") -> the backend's device,
  `backend="nccl"` -> the backend's collective library, `.cuda()` / `.is_cuda` -> the plugin's names,
  environment variable names where the tables give a vendor name.
- `import <plugin>` after the first `import torch` of a file that was edited (where the file has no such import).
Everything else, comments and whitespace included, is libcst's lossless round trip of the original text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..model import ApiUse, Verdict
from ..scanners.pyrules import is_cuda_python
from ..scanners.python_cst import _Walker, _dotted, _string_value
from . import Edit

_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
_NAME = re.compile(r"^[A-Za-z_]\w*$")
_ENV = re.compile(r"^[A-Z][A-Z0-9_]*$")
_STR_HEAD = re.compile(r"([rRbBuUfF]{0,2})('''|\"\"\"|'|\")")


@dataclass
class FileEdits:
    new_text: str | None = None  # None: unchanged
    edits: list[Edit] = field(default_factory=list)
    handled: set[tuple[int, int, str]] = field(default_factory=set)  # (line, column, symbol) of findings done
    not_done: dict[tuple[int, int, str], str] = field(default_factory=dict)  # rename findings left, and why
    error: str = ""  # non-empty: not parsed, left untouched


Lookup = Callable[[ApiUse], "Verdict | None"]  # the scan's verdict for a finding; None: not a finding
TableLookup = Callable[[str, str, str], Verdict]  # (symbol, kind, language) -> the tables' verdict


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _chain(node: cst.BaseExpression) -> tuple[str, list[str]] | None:
    """(head name, attribute names) of `a.b.c`, or None when the chain does not start at a plain name."""
    dotted = _dotted(node)  # "" or ".b.c" when the chain starts at a call, subscript, ...
    if not dotted or dotted.startswith("."):
        return None
    head, *attrs = dotted.split(".")
    return head, attrs


def _dotted_expr(text: str) -> cst.BaseExpression:
    return cst.parse_expression(text)


class _Planner:
    """Decide every node replacement of one module (by node identity), then apply them in one transform."""

    def __init__(self, path: str, module: cst.Module, tables, plugin: str, lookup: Lookup,
                 table_lookup: TableLookup) -> None:
        self.path, self.module, self.tables, self.plugin = path, module, tables, plugin
        self.lookup, self.table_lookup = lookup, table_lookup
        self.walker = _Walker(tables)
        self.repl: dict[int, Callable[[cst.CSTNode], cst.CSTNode]] = {}
        self.splits: dict[int, list[str]] = {}  # id(ImportFrom) -> statements to add after its line
        self.rebound: dict[str, str] = {}  # local name -> what it is bound to after the rewritten import
        self.out = FileEdits()
        self.positions = None

    # ------------------------------------------------------------------ helpers
    def pos(self, node: cst.CSTNode) -> tuple[int, int]:
        p = self.positions.get(node) if self.positions is not None else None
        return (p.start.line, p.start.column + 1) if p is not None else (0, 0)

    def verdict(self, node: cst.CSTNode, symbol: str, kind: str) -> Verdict | None:
        line, col = self.pos(node)
        return self.lookup(ApiUse(self.path, line, col, line, col, "python", kind, symbol))

    def edit(self, node: cst.CSTNode, symbol: str, kind: str, old: str, new: str, status: str = "rename",
             via_import: bool = False) -> None:
        line, col = self.pos(node)
        self.out.edits.append(Edit(self.path, line, col, symbol, kind, old, new, status, via_import))
        self.out.handled.add((line, col, symbol))

    def skip(self, node: cst.CSTNode, symbol: str, why: str) -> None:
        line, col = self.pos(node)
        self.out.not_done[(line, col, symbol)] = why

    # ------------------------------------------------------------------ imports
    def import_target(self, full: str) -> tuple[str, str] | None:
        """(symbol, dotted target) when importing `full` should import the target instead."""
        sym = self.walker.is_tie(full)
        if sym is None:
            return None
        v = self.table_lookup(sym, "import", "python")
        if v.status != "rename" or not _DOTTED.match(v.target) or v.target in (sym, full):
            return None
        return sym, v.target

    def alias_ok(self, local: str, target: str) -> bool:
        """Rewrite an import only when every use through its local name is a rename that the new binding
        serves (directly, or by an edit at the use); otherwise the import stays and its uses are listed."""
        for node, symbol, kind in self.by_head.get(local, ()):
            v = self.verdict(node, symbol, kind)
            if v is None:
                continue
            if v.status != "rename" or not (v.target == target or v.target.startswith(target + ".")
                                            or _DOTTED.match(v.target)):
                return False
        return True

    def plan_imports(self) -> None:
        self.by_head: dict[str, list] = {}
        for node, symbol, kind, _c, _d, _f in self.walker.hits:
            if kind in ("call", "attribute", "identifier", "decorator") and isinstance(node, (cst.Attribute,
                                                                                                cst.Name)):
                chain = _chain(node)
                if chain is not None:
                    self.by_head.setdefault(chain[0], []).append((node, symbol, kind))
        self.binds_torch = False  # an `import torch` / `import torch.x` binds the name torch in this file
        for node in _walk(self.module):
            if isinstance(node, cst.Import):
                self.binds_torch = self.binds_torch or any(
                    a.asname is None and _dotted(a.name).split(".")[0] == "torch" for a in node.names)
                self._plan_import(node)
            elif isinstance(node, cst.ImportFrom):
                self._plan_import_from(node)

    def _plan_import(self, node: cst.Import) -> None:
        new_names = list(node.names)
        changed = False
        for i, alias in enumerate(node.names):
            if alias.asname is None or not isinstance(alias.asname.name, cst.Name):
                continue  # `import torch.cuda` binds `torch`: its uses are edited where they are
            mod = _dotted(alias.name)
            hit = self.import_target(mod)
            if hit is None:
                continue
            sym, target = hit
            if not self.alias_ok(alias.asname.name.value, target):
                continue
            new_names[i] = alias.with_changes(name=_dotted_expr(target))
            self.rebound[alias.asname.name.value] = target
            self.edit(alias, sym, "import", mod, target, via_import=True)
            changed = True
        if changed:
            self.repl[id(node)] = lambda upd, names=new_names: upd.with_changes(names=names)

    def _plan_import_from(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        mod = _dotted(node.module)
        keep: list[cst.ImportAlias] = []
        groups: dict[str, list[tuple[cst.ImportAlias, str]]] = {}
        for alias in node.names:
            name = _dotted(alias.name)
            hit = self.import_target(f"{mod}.{name}")
            if hit is None:
                keep.append(alias)
                continue
            sym, target = hit
            local = alias.asname.name.value if alias.asname is not None and isinstance(
                alias.asname.name, cst.Name) else name
            if not self.alias_ok(local, target):
                keep.append(alias)
                continue
            new_mod, _, new_name = target.rpartition(".")
            groups.setdefault(new_mod, []).append((alias, new_name))
            self.rebound[local] = target
            self.edit(alias, sym, "import", f"{mod}.{name}", target, via_import=True)
        if not groups:
            return

        def renamed(alias: cst.ImportAlias, new_name: str) -> cst.ImportAlias:
            old = _dotted(alias.name)
            if alias.asname is None and new_name != old:
                return alias.with_changes(name=cst.Name(new_name),
                                          asname=cst.AsName(name=cst.Name(old)))
            return alias.with_changes(name=cst.Name(new_name))

        if not keep and len(groups) == 1:
            (new_mod, pairs), = groups.items()
            names = [renamed(a, n) for a, n in pairs]
            self.repl[id(node)] = lambda upd, m=new_mod, names=names: upd.with_changes(
                module=_dotted_expr(m) if "." in m else cst.Name(m), names=names)
            return
        # Split: the statement keeps the names that stay; each new module gets a statement of its own after it.
        kept = list(keep)
        if kept and node.rpar is None:  # no trailing comma outside parentheses
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        self.repl[id(node)] = lambda upd, kept=kept: upd.with_changes(names=kept)
        stmts = []
        for new_mod, pairs in groups.items():
            parts = []
            for a, n in pairs:
                old = _dotted(a.name)
                local = a.asname.name.value if a.asname is not None and isinstance(a.asname.name, cst.Name) else old
                parts.append(n if local == n else f"{n} as {local}")
            stmts.append(f"from {new_mod} import {', '.join(parts)}\n")
        if not kept:  # every name moved, to several modules: the first new statement takes the line
            first = stmts.pop(0)
            self.repl[id(node)] = lambda upd, s=first: cst.parse_statement(s).body[0]
        if stmts:
            self.splits[id(node)] = stmts

    # ------------------------------------------------------------------ uses
    def plan_uses(self) -> None:
        w = self.walker
        for node, symbol, kind, _conf, _detail, family in w.hits:
            if kind == "import":
                continue  # package imports: never a rename the patch can make
            v = self.verdict(node, symbol, kind)
            if v is None:
                continue  # suppressed, baselined or otherwise not in the report: not the patch's business
            if v.status != "rename" and not (kind == "env-var" and v.status == "adapt"):
                continue
            if kind == "device-string":
                self._device(node, symbol, v)
            elif kind == "backend-string":
                self._backend(node, symbol, v)
            elif kind == "env-var":
                self._env(node, symbol, v)
            elif kind == "method" or (kind == "attribute" and symbol == "Tensor.is_cuda"):
                self._member(node, symbol, kind, v)
            elif kind in ("call", "attribute", "identifier", "decorator"):
                self._chain_use(node, symbol, kind, v)

    def _device(self, node: cst.CSTNode, symbol: str, v: Verdict) -> None:
        dev = v.target
        if not _NAME.match(dev):
            self.skip(node, symbol, "the tables give no device name")
            return
        if isinstance(node, cst.SimpleString):
            m = _STR_HEAD.match(node.value)
            body = node.value[m.end():] if m else ""
            if m and "b" not in m.group(1).lower() and re.match(r"cuda(?=:|['\"])", body):
                new = node.value[:m.end()] + dev + body[4:]
                self.repl[id(node)] = lambda upd, new=new: upd.with_changes(value=new)
                self.edit(node, symbol, "device-string", node.value, new)
                return
        elif isinstance(node, cst.FormattedString) and node.parts and isinstance(node.parts[0],
                                                                                 cst.FormattedStringText):
            first = node.parts[0]
            if re.match(r"cuda(:|$)", first.value):
                new_first = first.with_changes(value=dev + first.value[4:])

                def fix(upd, new_first=new_first):
                    return upd.with_changes(parts=[new_first, *upd.parts[1:]])
                self.repl[id(node)] = fix
                self.edit(node, symbol, "device-string", _code(node), _code(node.with_changes(
                    parts=[new_first, *node.parts[1:]])))
                return
        self.skip(node, symbol, "device string not in a form the patch rewrites (concatenated or padded)")

    def _replace_string_body(self, node: cst.CSTNode, old: str, new: str) -> str | None:
        if not isinstance(node, cst.SimpleString):
            return None
        m = _STR_HEAD.match(node.value)
        if m is None or "b" in m.group(1).lower():
            return None
        q = m.group(2)
        if node.value[m.end():] != old + q:
            return None
        return node.value[:m.end()] + new + q

    def _backend(self, node: cst.CSTNode, symbol: str, v: Verdict) -> None:
        val = _string_value(node)
        if val is None or not _NAME.match(v.target):
            self.skip(node, symbol, "the tables give no backend name")
            return
        new = self._replace_string_body(node, val, v.target) if val in ("nccl",) else None
        if new is None:
            self.skip(node, symbol, f"backend string {val!r} is not exactly 'nccl'")
            return
        self.repl[id(node)] = lambda upd, new=new: upd.with_changes(value=new)
        self.edit(node, symbol, "backend-string", node.value, new)

    def _env(self, node: cst.CSTNode, symbol: str, v: Verdict) -> None:
        if not _ENV.match(v.target) or v.target == symbol:
            if v.status == "rename":
                self.skip(node, symbol, "the tables give no vendor variable name")
            return
        new = self._replace_string_body(node, symbol, v.target)
        if new is None:
            self.skip(node, symbol, "variable name not in a plain string literal")
            return
        self.repl[id(node)] = lambda upd, new=new: upd.with_changes(value=new)
        self.edit(node, symbol, "env-var", node.value, new, v.status)

    def _member(self, node: cst.CSTNode, symbol: str, kind: str, v: Verdict) -> None:
        name = v.target.rpartition(".")[2]
        if not isinstance(node, cst.Name) or not _NAME.match(name):
            self.skip(node, symbol, "the tables give no method name")
            return
        if name == node.value:
            return
        self.repl[id(node)] = lambda upd, name=name: upd.with_changes(value=name)
        self.edit(node, symbol, kind, node.value, name)

    def _chain_use(self, node: cst.CSTNode, symbol: str, kind: str, v: Verdict) -> None:
        target = v.target
        if not _DOTTED.match(target):
            self.skip(node, symbol, "rename without a dotted Python target in the tables" if target else
                      "rename without a target in the tables")
            return
        chain = _chain(node) if isinstance(node, (cst.Attribute, cst.Name)) else None
        qual = self.walker.resolve(node) if chain is not None else None
        if chain is None or qual is None:
            self.skip(node, symbol, "not a plain dotted name")
            return
        head, attrs = chain
        rest = ".".join(attrs)
        bound = qual[:len(qual) - len(rest) - 1] if rest else qual
        eff_head = self.rebound.get(head, bound)
        eff = f"{eff_head}.{rest}" if rest else eff_head
        if eff == target:
            line, col = self.pos(node)
            self.out.handled.add((line, col, symbol))
            return
        if target.startswith(eff_head + "."):
            new = head + target[len(eff_head):]
        elif target.startswith("torch.") and self.binds_torch and self.walker.aliases.get("torch") == "torch":
            new = target  # spelled from `torch`, which this file binds to torch
        else:
            self.skip(node, symbol, f"{target} is not reachable from how this file imports {bound}")
            return
        old = _code(node)
        if new == old:
            return

        def fix(upd, new=new):
            expr = _dotted_expr(new)
            return expr.with_changes(lpar=upd.lpar, rpar=upd.rpar)
        self.repl[id(node)] = fix
        self.edit(node, symbol, kind, old, new)


def _walk(node: cst.CSTNode):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


class _Apply(cst.CSTTransformer):
    def __init__(self, repl, splits) -> None:
        super().__init__()
        self.repl, self.splits = repl, splits

    def on_leave(self, original_node, updated_node):
        fn = self.repl.get(id(original_node))
        if fn is not None:
            updated_node = fn(updated_node)
        if isinstance(original_node, cst.SimpleStatementLine):
            extra: list[str] = []
            for small in original_node.body:
                extra.extend(self.splits.get(id(small), ()))
            if extra:
                return cst.FlattenSentinel([updated_node, *(cst.parse_statement(s) for s in extra)])
        return updated_node


def _imports_plugin(module: cst.Module, plugin: str) -> bool:
    for node in _walk(module):
        if isinstance(node, cst.Import):
            if any(_dotted(a.name).split(".")[0] == plugin for a in node.names):
                return True
        elif isinstance(node, cst.ImportFrom) and node.module is not None and not node.relative:
            if _dotted(node.module).split(".")[0] == plugin:
                return True
    return False


def _is_torch_import(stmt: cst.CSTNode) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    for small in stmt.body:
        if isinstance(small, cst.Import) and any(_dotted(a.name) == "torch" for a in small.names):
            return True
    return False


def _insert_plugin(module: cst.Module, plugin: str) -> tuple[cst.Module, int]:
    """`import <plugin>` after the first top-level `import torch`; else after the docstring and __future__
    imports. Returns the module and the 1-based index of the new statement among top-level statements."""
    body = list(module.body)
    at = next((i + 1 for i, s in enumerate(body) if _is_torch_import(s)), None)
    if at is None:
        at = 0
        for i, s in enumerate(body):
            if isinstance(s, cst.SimpleStatementLine) and all(
                    (isinstance(x, cst.Expr) and isinstance(x.value, (cst.SimpleString, cst.ConcatenatedString))
                     and i == 0) or (isinstance(x, cst.ImportFrom) and x.module is not None
                                     and _dotted(x.module) == "__future__") for x in s.body):
                at = i + 1
            else:
                break
    body.insert(at, cst.parse_statement(f"import {plugin}\n"))
    return module.with_changes(body=body), at


def _syntax_error(text: str) -> str:
    """The interpreter's own words for a syntax error (libcst's positions are harder to read)."""
    from ..scanners import parse_python

    try:
        parse_python(text)
    except SyntaxError as exc:
        return f"syntax error at line {exc.lineno}: {exc.msg}"
    except (ValueError, RecursionError, MemoryError):
        return ""
    return ""


def rewrite_python(path: str, text: str, tables, plugin: str, lookup: Lookup, table_lookup: TableLookup) -> FileEdits:
    """Plan and apply the rename edits of one Python file; the file's own text when nothing changes."""
    from ..scanners.python_text import cst_may_try

    if not cst_may_try(text):  # libcst's native parser can overflow the C stack here instead of raising
        return FileEdits(error="nested or long beyond what libcst parses safely (brackets deeper than 60 or a "
                               "line over 4,000 characters)")
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return FileEdits(error=f"libcst cannot parse it ({_syntax_error(text) or exc.message})")
    except RecursionError:
        return FileEdits(error="nesting too deep to parse")
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    planner = _Planner(path, module, tables, plugin, lookup, table_lookup)
    try:
        planner.positions = wrapper.resolve(PositionProvider)
        planner.walker.walk(module)
        planner.plan_imports()
        planner.plan_uses()
    except RecursionError:
        return FileEdits(error="nesting too deep to rewrite")
    out = planner.out
    if not planner.repl and not planner.splits:
        return out
    new_module = module.visit(_Apply(planner.repl, planner.splits))
    needs_plugin = any(e.kind != "env-var" for e in out.edits)  # a variable name alone needs no plugin
    if plugin and needs_plugin and not _imports_plugin(new_module, plugin):
        new_module, _at = _insert_plugin(new_module, plugin)
        lines = new_module.code.splitlines()
        line = next((i + 1 for i, t in enumerate(lines) if t == f"import {plugin}"), 1)
        out.edits.append(Edit(path, line, 1, plugin, "plugin-import", "", f"import {plugin}"))
    new_text = new_module.code
    if new_text != text:
        out.new_text = new_text
    return out
