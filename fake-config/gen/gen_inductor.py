#!/usr/bin/env python3
# Generates fake-config/src/inductor.rs (`InductorConfig`, its nested group
# structs and its `Literal` enums) from fake-config/data/inductor_config_fields.json.
#
# Run from the workspace root (Python 3.11+, standard library only):
#
#     python3 fake-config/gen/gen_inductor.py           # rewrite src/inductor.rs
#     python3 fake-config/gen/gen_inductor.py --check   # exit 1 if it is stale
#
# The output is written rustfmt-clean, so `cargo fmt` leaves it unchanged and
# generator + fmt reproduce the checked-in file byte for byte. The mapping
# rules from Python types to Rust types are in the module doc this script
# writes (see MODULE_DOC below) and next to the code that applies them.

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # fake-config/
DATA = ROOT / "data" / "inductor_config_fields.json"
OUT = ROOT / "src" / "inductor.rs"
SCRIPT = "fake-config/gen/gen_inductor.py"

MAX_WIDTH = 100  # rustfmt's default max_width: meta attributes longer than this get wrapped

# Why PyTorch's fuzzer pins each field to its default: the comment next to
# each `DEFAULT` entry of MODULE_DEFAULTS["torch._inductor.config"] in
# torch/_inductor/fuzzer.py, lower-cased. Fields the JSON pins but that are
# not in this table (PyTorch added them after the fuzzer.py we read) get
# FALLBACK_REASON. The table may hold names the JSON no longer pins
# (triton.debug_sync_*); only `fuzzer_pin == "DEFAULT"` decides what is pinned.
MODULE_DEFAULTS_REASONS = {
    "cpp.cxx": "out of scope",
    "TYPE_CHECKING": "not a config",
    "max_autotune_pointwise": "timing",
    "max_autotune_gemm": "timing",
    "max_autotune_gemm_backends": "timing",
    "max_autotune_conv_backends": "timing",
    "max_autotune_gemm_search_space": "timing",
    "max_autotune_subproc_result_timeout_seconds": "timing",
    "max_autotune_subproc_graceful_timeout_seconds": "timing",
    "max_autotune_subproc_terminate_timeout_seconds": "timing",
    "aot_inductor.presets": "typing",
    "cuda.arch": "out of scope",
    "cuda.version": "out of scope",
    "cuda.cutlass_dir": "out of scope",
    "cuda.cuda_cxx": "out of scope",
    "rocm.arch": "out of scope",
    "rocm.ck_supported_arch": "out of scope",
    "rocm.ck_dir": "out of scope",
    "rocm.rocm_home": "out of scope",
    "check_stack_no_cycles_TESTING_ONLY": "testing",
    "sleep_sec_TESTING_ONLY": "testing",
    "triton.inject_relu_bug_TESTING_ONLY": "testing",
    "reorder_for_compute_comm_overlap": "FSDP",
    "enabled_metric_tables": "typing",
    "triton.debug_sync_graph": "known failure",
    "triton.debug_sync_kernel": "known failure",
    "profile_bandwidth_regex": "known failure",
    "disable_cpp_codegen": "known failure",
    "trace.save_real_tensors": "known failure",
    "pre_grad_fusion_options": "typing",
    "external_matmul": "typing",
    "test_configs.autotune_choice_name_regex": "typing",
    "test_configs.autotune_choice_desc_regex": "typing",
    "cpp.enable_floating_point_contract_flag": "typing",
    "post_grad_custom_pre_pass": "typing",
    "post_grad_custom_post_pass": "typing",
    "reorder_for_compute_comm_overlap_passes": "typing",
    "joint_custom_post_pass": "typing",
    "joint_custom_pre_pass": "typing",
    "pre_grad_custom_pass": "typing",
    "custom_partitioner_fn": "typing",
    "inductor_choices_class": "typing",
}
FALLBACK_REASON = "pinned by PyTorch's MODULE_DEFAULTS"
# PyTorch's fuzzer TYPE_OVERRIDES (torch/_inductor/fuzzer.py @01c9f4f) for
# fields of torch._inductor.config: the only values it samples for them,
# emitted as `#[fuzz(values = [..])]`. A field listed here is fuzzed over
# these values even when its Python type has no Rust counterpart.
# `cuda_backend` is CUDA_BACKEND without halide (not installed in OSS CI).
TYPE_OVERRIDES = {
    "cuda_backend": ["triton"],
    "post_grad_fusion_options": [
        {
            "batch_linear_post_grad": {
                "shape_broadcast_batch_linear": True,
                "fuse_nodes_with_same_users": True,
            },
            "batch_aten_mul": {"fuse_nodes_with_same_parent": False},
            "batch_aten_sigmoid": {"fuse_nodes_with_same_parent": True},
            "batch_aten_add": {"fuse_nodes_with_same_parent": True},
            "normalization_aten_pass": {},
            "unbind_stack_aten_pass": {},
        },
        {
            "batch_aten_add": {},
            "batch_aten_mul": {},
            "batch_aten_sub": {},
            "batch_aten_div": {},
            "group_linear": {"require_fbgemm": True},
        },
    ],
}
# Skip reason of fields whose Python type has no Rust counterpart (callables,
# custom pass objects, `Any`, OpOverload keys, unions of unrelated types).
# Deliberately different from the MODULE_DEFAULTS category "typing".
TYPING_REASON = "Typing: Python-only type"
PRIVATE_REASON = "private"
TESTING_REASON = "testing only"

# Defaults of alias targets outside torch._inductor.config (aliases store no
# default of their own; the JSON says {"__unset__": true}). Aliases inside
# the module take their target's default from the JSON.
EXTERNAL_ALIAS_DEFAULTS = {
    # torch/compiler/config.py: Config(justknob=..., env_name_force=[...], default=False)
    "torch.compiler.config.force_disable_caches": False,
}
MODULE_PREFIX = "torch._inductor.config."


def alias_target(spec: dict, by_name: dict[str, dict]) -> str | None:
    """The dotted name of the field an alias stands for, when it is a field
    of this module: the field becomes `#[config(alias = ..)]` of type
    `Alias<T>`, with no value of its own. An alias of a field of another
    module (`force_disable_caches`, of `torch.compiler.config`, which this
    fixture does not model) stays a field with the target's default."""
    alias = spec.get("alias")
    if alias and alias.startswith(MODULE_PREFIX) and alias[len(MODULE_PREFIX) :] in by_name:
        return alias[len(MODULE_PREFIX) :]
    return None

RUST_KEYWORDS = {
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
}
NOT_RAW = {"self", "Self", "super", "crate"}
# Type names the generated file uses; no generated type may take them.
TAKEN_TYPE_NAMES = {
    "String", "Option", "Vec", "BTreeMap", "Some", "None", "Box", "Result", "Ok", "Err",
    "Value", "FuzzValue", "FuzzableConfig", "ConfigDiff", "SamplingMethod",
}


class GenError(Exception):
    pass


# --------------------------------------------------------------------------
# Python type expressions
# --------------------------------------------------------------------------

TOKEN = re.compile(r"\s*(?:(\.\.\.)|('(?:[^'\\]|\\.)*')|(-?\d+)|([A-Za-z_][\w.]*)|([\[\],|]))")


def tokenize(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise GenError(f"cannot tokenize type {text!r} at {pos}")
        pos = m.end()
        ell, quoted, num, name, punct = m.groups()
        if ell:
            out.append(("...", ell))
        elif quoted:
            out.append(("str", quoted[1:-1].encode().decode("unicode_escape")))
        elif num:
            out.append(("int", num))
        elif name:
            out.append(("name", name))
        else:
            out.append((punct, punct))
    return out


# AST nodes: ("name", dotted, args | None), ("str", s), ("int", n),
# ("...",), ("list", [nodes]), ("union", [nodes]).
class Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def take(self, kind: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.toks) or (kind and self.toks[self.i][0] != kind):
            raise GenError(f"bad type {self.text!r}: expected {kind} at token {self.i}")
        self.i += 1
        return self.toks[self.i - 1]

    def parse(self):
        node = self.union()
        if self.i != len(self.toks):
            raise GenError(f"trailing tokens in type {self.text!r}")
        return node

    def union(self):
        items = [self.atom()]
        while self.peek() == "|":
            self.take("|")
            items.append(self.atom())
        return items[0] if len(items) == 1 else ("union", items)

    def bracket_list(self):
        self.take("[")
        items = []
        while self.peek() != "]":
            items.append(self.union())
            if self.peek() == ",":
                self.take(",")
        self.take("]")
        return items

    def atom(self):
        kind = self.peek()
        if kind == "...":
            self.take()
            return ("...",)
        if kind == "str":
            return ("str", self.take()[1])
        if kind == "int":
            return ("int", int(self.take()[1]))
        if kind == "[":
            return ("list", self.bracket_list())
        name = self.take("name")[1]
        args = self.bracket_list() if self.peek() == "[" else None
        if name == "Optional":
            return ("union", [args[0], ("name", "None", None)])
        if name == "Union":
            return ("union", args)
        return ("name", name, args)


def is_none(node) -> bool:
    return node[0] == "name" and node[1] in ("None", "NoneType") and node[2] is None


# --------------------------------------------------------------------------
# Rust types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RType:
    kind: str  # bool | i64 | f64 | String | Option | Vec | Map | Tuple | Enum
    args: tuple = ()
    enum_key: tuple = ()  # for Enum: the Literal's strings, in order

    def rust(self, enums: dict[tuple, "EnumDef"]) -> str:
        k = self.kind
        if k in ("bool", "i64", "f64", "String"):
            return k
        if k == "Option":
            return f"Option<{self.args[0].rust(enums)}>"
        if k == "Vec":
            return f"Vec<{self.args[0].rust(enums)}>"
        if k == "Map":
            return f"BTreeMap<{self.args[0].rust(enums)}, {self.args[1].rust(enums)}>"
        if k == "Tuple":
            return "(" + ", ".join(a.rust(enums) for a in self.args) + ")"
        if k == "Enum":
            return enums[self.enum_key].name
        raise AssertionError(k)


BOOL, I64, F64, STRING = RType("bool"), RType("i64"), RType("f64"), RType("String")


def option(t: RType) -> RType:
    return RType("Option", (t,))


class PythonOnly(Exception):
    """The Python type has no faithful Rust counterpart."""


@dataclass
class Mapped:
    ty: RType
    values: list | None = None  # `#[fuzz(values = [..])]` for numeric-like Literals
    python_only: bool = False  # skip with TYPING_REASON
    note: str = ""  # for the doc comment


@dataclass
class EnumDef:
    key: tuple
    fields: list[str] = field(default_factory=list)
    name: str = ""
    variants: list[str] = field(default_factory=list)


def camel(text: str) -> str:
    """`bucket_all_gathers_fx` -> `BucketAllGathersFx`, `_collective` -> `Collective`."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", text) if p)


def variant_ident(value: str) -> str:
    """Literal string -> variant: '-O0' -> O0, 'custom_ops' -> CustomOps,
    'DEFAULT' -> Default (all-caps words are title-cased, as clippy's
    upper_case_acronyms wants), '-OS' -> Os, 'gfx90a' -> Gfx90a."""
    parts = []
    for p in re.split(r"[^0-9A-Za-z]+", value):
        if not p:
            continue
        if len(p) > 1 and p.isupper():
            p = p[0] + p[1:].lower()
        parts.append(p[:1].upper() + p[1:])
    ident = "".join(parts)
    if not ident:
        raise GenError(f"no identifier can be made from Literal value {value!r}")
    if ident[0].isdigit():
        ident = "V" + ident
    return ident


class Mapper:
    def __init__(self):
        self.enums: dict[tuple, EnumDef] = {}  # keyed by the Literal's strings, in order

    def literal(self, args, path: str) -> Mapped:
        vals = [a[1] for a in args]
        if not all(a[0] in ("str", "int") for a in args) or len({a[0] for a in args}) != 1:
            raise GenError(f"{path}: mixed or non-literal Literal arguments {args}")
        if args[0][0] == "int":
            # Literal[0, 1, 2, 3]: an i64 restricted to the listed values.
            return Mapped(I64, values=vals)
        if all(re.fullmatch(r"-?\d+", v) for v in vals):
            # Literal['0', '1', ...]: numerals, like Literal[0, 1, ...], become their
            # scalar type with a values domain (no identifier can spell '0').
            return Mapped(STRING, values=vals)
        key = tuple(vals)
        e = self.enums.setdefault(key, EnumDef(key))
        e.fields.append(path)
        return Mapped(RType("Enum", enum_key=key))

    def strict(self, node, default, path: str) -> Mapped:
        """The faithful mapping, or PythonOnly."""
        if node[0] == "union":
            members = [m for m in node[1] if not is_none(m)]
            if len(members) == 1 and len(members) < len(node[1]):
                inner = self.strict(members[0], default, path)
                return Mapped(option(inner.ty), inner.values, note=inner.note)
            raise PythonOnly
        if node[0] != "name":
            raise PythonOnly
        _, name, args = node
        if args is None:
            if name in ("bool", "int", "float", "str"):
                return Mapped({"bool": BOOL, "int": I64, "float": F64, "str": STRING}[name])
            if is_none(node):
                # NoneType: the default is None and the value type is unknown.
                return Mapped(option(STRING))
            if name in ("list", "tuple") and isinstance(default, list):
                # Bare `list` / `tuple`: the element type comes from the default.
                if default and all(type(v) is int for v in default):
                    elem = I64
                elif default and all(type(v) is str for v in default):
                    elem = STRING
                else:
                    raise GenError(f"{path}: cannot infer the element type of bare {name}")
                if name == "list":
                    return Mapped(RType("Vec", (elem,)), note="element type from the default")
                if len(default) > 4:
                    raise GenError(f"{path}: tuple of {len(default)} elements")
                return Mapped(RType("Tuple", (elem,) * len(default)), note="element types from the default")
            raise PythonOnly
        if name == "Literal":
            return self.literal(args, path)
        if name == "list" and len(args) == 1:
            first = default[0] if isinstance(default, list) and default else None
            return Mapped(RType("Vec", (self.strict(args[0], first, path).ty,)))
        if name == "tuple":
            if any(a[0] == "..." for a in args) or not 1 <= len(args) <= 4:
                raise PythonOnly
            elems = []
            for k, a in enumerate(args):
                sub = default[k] if isinstance(default, list) and k < len(default) else None
                # `None` as a tuple element type: an always-None slot, as Option<String>.
                elems.append(option(STRING) if is_none(a) else self.strict(a, sub, path).ty)
            return Mapped(RType("Tuple", tuple(elems)))
        if name == "dict" and len(args) == 2:
            k = self.strict(args[0], None, path).ty
            if k not in (STRING, I64):
                raise PythonOnly
            v = self.strict(args[1], None, path).ty
            return Mapped(RType("Map", (k, v)))
        raise PythonOnly

    def lossy(self, node, path: str) -> RType:
        """The closest honest Rust type for a Python-only type whose default is
        not None: callables and pass objects by name, `Any` as JSON text,
        OpOverload keys by op name."""
        try:
            return self.strict(node, None, path).ty
        except PythonOnly:
            pass
        if node[0] == "union":
            members = {self.lossy(m, path) for m in node[1] if not is_none(m)}
            return members.pop() if len(members) == 1 else STRING
        if node[0] == "name" and node[2]:
            _, name, args = node
            if name == "list" and len(args) == 1:
                return RType("Vec", (self.lossy(args[0], path),))
            if name == "dict" and len(args) == 2:
                k = self.lossy(args[0], path)
                return RType("Map", (k if k in (STRING, I64) else STRING, self.lossy(args[1], path)))
        return STRING

    def map(self, python_type: str, default, path: str) -> Mapped:
        node = Parser(python_type).parse()
        try:
            return self.strict(node, default, path)
        except PythonOnly:
            pass
        if default is None:
            return Mapped(option(STRING), python_only=True, note="Python-only type, as `Option<String>`")
        ty = self.lossy(node, path)
        note = f"Python-only type, kept as `{ty.rust({})}`"
        if "Any" in python_type:
            note += ", `Any` values as JSON text"
        return Mapped(ty, python_only=True, note=note)


# --------------------------------------------------------------------------
# Rust expressions
# --------------------------------------------------------------------------


def rust_str(s: str) -> str:
    out = ['"']
    for c in s:
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{{{ord(c):x}}}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def rust_float(x) -> str:
    if type(x) is int:
        return f"{x}.0"
    if x != x or x in (float("inf"), float("-inf")):
        raise GenError(f"non-finite float default {x}")
    text = repr(float(x))
    if "e" in text:
        mant, exp = text.split("e")
        if "." not in mant:
            mant += ".0"
        text = f"{mant}e{int(exp)}"
    return text


class Expr:
    """A rendered default: `flat` on one line, `items` for a multi-line form
    (vec![..] / BTreeMap::from([..]) with one item per line)."""

    def __init__(self, flat: str, head: str = "", items: list[str] | None = None, tail: str = ""):
        self.flat, self.head, self.items, self.tail = flat, head, items, tail


def render(ty: RType, value, enums, lossy: bool, path: str) -> Expr:
    k = ty.kind
    if k == "bool":
        if type(value) is not bool:
            raise GenError(f"{path}: default {value!r} is not a bool")
        return Expr("true" if value else "false")
    if k == "i64":
        if type(value) is not int:
            raise GenError(f"{path}: default {value!r} is not an int")
        return Expr(str(value))
    if k == "f64":
        if type(value) not in (int, float):
            raise GenError(f"{path}: default {value!r} is not a float")
        return Expr(rust_float(value))
    if k == "String":
        if type(value) is not str:
            if not lossy:
                raise GenError(f"{path}: default {value!r} is not a str")
            value = json.dumps(value)  # an `Any` value, as JSON text
        return Expr(f"String::from({rust_str(value)})")
    if k == "Option":
        if value is None:
            return Expr("None")
        inner = render(ty.args[0], value, enums, lossy, path)
        return Expr(f"Some({inner.flat})")
    if k == "Enum":
        e = enums[ty.enum_key]
        if value not in e.key:
            raise GenError(f"{path}: default {value!r} is not one of {e.key}")
        return Expr(f"{e.name}::{e.variants[e.key.index(value)]}")
    if k == "Tuple":
        if not isinstance(value, list) or len(value) != len(ty.args):
            raise GenError(f"{path}: default {value!r} does not fit {ty}")
        parts = [render(t, v, enums, lossy, path).flat for t, v in zip(ty.args, value)]
        return Expr("(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")")
    if k == "Vec":
        if not isinstance(value, list):
            raise GenError(f"{path}: default {value!r} is not a list")
        if not value:
            return Expr("Vec::new()")
        parts = [render(ty.args[0], v, enums, lossy, path).flat for v in value]
        return Expr("vec![" + ", ".join(parts) + "]", "vec![", parts, "]")
    if k == "Map":
        if not isinstance(value, dict):
            raise GenError(f"{path}: default {value!r} is not a dict")
        if not value:
            return Expr("BTreeMap::new()")
        parts = []
        for key, v in value.items():
            kt = ty.args[0]
            if kt == I64:
                key = int(key)
            kx = render(kt, key, enums, lossy, path).flat
            vx = render(ty.args[1], v, enums, lossy, path).flat
            parts.append(f"({kx}, {vx})")
        return Expr("BTreeMap::from([" + ", ".join(parts) + "])", "BTreeMap::from([", parts, "])")
    raise AssertionError(k)


# --------------------------------------------------------------------------
# Emission
# --------------------------------------------------------------------------

IND = "    "


def meta_attr(name: str, inner: str, indent: str = IND) -> list[str]:
    """A meta attribute (`#[fuzz(skip = "..")]`), wrapped as rustfmt wraps it."""
    line = f"{indent}#[{name}({inner})]"
    if len(line) <= MAX_WIDTH:
        return [line]
    return [f"{indent}#[{name}(", f"{indent}{IND}{inner}", f"{indent})]"]


def values_attr(exprs: list[Expr], indent: str = IND) -> list[str]:
    """`#[fuzz(values = [..])]`, one value per line when it does not fit, and
    a long collection value one item per line (rustfmt leaves it as written)."""
    line = f"{indent}#[fuzz(values = [{', '.join(e.flat for e in exprs)}])]"
    if len(line) <= MAX_WIDTH:
        return [line]
    out = [f"{indent}#[fuzz(values = ["]
    inner = indent + IND
    for e in exprs:
        if len(f"{inner}{e.flat},") <= MAX_WIDTH or not e.items:
            out.append(f"{inner}{e.flat},")
        else:
            out.append(f"{inner}{e.head}")
            out += [f"{inner}{IND}{item}," for item in e.items]
            out.append(f"{inner}{e.tail},")
    out.append(f"{indent}])]")
    return out


def default_attr(expr: Expr, indent: str = IND) -> list[str]:
    """`#[config(default = ..)]`. rustfmt leaves this attribute as written (its
    value is not a literal), so long collections go one item per line."""
    line = f"{indent}#[config(default = {expr.flat})]"
    if len(line) <= MAX_WIDTH or not expr.items:
        return [line]
    out = [f"{indent}#[config(default = {expr.head}"]
    out += [f"{indent}{IND}{item}," for item in expr.items]
    out.append(f"{indent}{expr.tail})]")
    return out


def rust_ident(name: str) -> str:
    if name in NOT_RAW:
        raise GenError(f"`{name}` cannot be a Rust field name, not even as a raw identifier")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise GenError(f"`{name}` is not an identifier")
    return f"r#{name}" if name in RUST_KEYWORDS else name


@dataclass
class Leaf:
    path: str  # dotted Python name
    key: str  # last component
    spec: dict
    mapped: Mapped | None = None


@dataclass
class Group:
    path: str  # "" for the root
    items: list = field(default_factory=list)  # Leaf | Group, in order of first appearance
    index: dict = field(default_factory=dict)  # key -> Leaf | Group

    @property
    def struct_name(self) -> str:
        return "InductorConfig" if not self.path else "Inductor" + camel(self.path)

    def leaves(self):
        for it in self.items:
            if isinstance(it, Leaf):
                yield it
            else:
                yield from it.leaves()

    def groups(self):
        for it in self.items:
            if isinstance(it, Group):
                yield it
                yield from it.groups()


def build_tree(fields: list[dict]) -> Group:
    """Groups dotted names into nested structs. A group goes where its first
    field appears in the JSON order; a later field of a group that already
    exists joins that group, even if other fields came in between. So when the
    JSON interleaves groups (a.x, b.y, a.z), `fields()` gives a.x, a.z, b.y:
    a nested struct's fields are contiguous in the flattened order. The
    flattened order is checked against the JSON order in main() and any
    difference is written into the module doc."""
    root = Group("")
    for spec in fields:
        parts = spec["name"].split(".")
        node = root
        for depth, part in enumerate(parts[:-1]):
            sub = node.index.get(part)
            if sub is None:
                sub = Group(".".join(parts[: depth + 1]))
                node.index[part] = sub
                node.items.append(sub)
            elif not isinstance(sub, Group):
                raise GenError(f"`{sub.path}` is both a field and a group")
            node = sub
        if parts[-1] in node.index:
            raise GenError(f"duplicate field `{spec['name']}`")
        leaf = Leaf(spec["name"], parts[-1], spec)
        node.index[parts[-1]] = leaf
        node.items.append(leaf)
    return root


def resolve_default(spec: dict, by_name: dict[str, dict]) -> tuple[object, str]:
    """The default, and a doc note when it was taken from an alias target."""
    d = spec["default"]
    if not (isinstance(d, dict) and d.get("__unset__") is True):
        return d, ""
    alias = spec.get("alias")
    if not alias:
        raise GenError(f"{spec['name']}: unset default without an alias")
    if alias.startswith(MODULE_PREFIX) and alias[len(MODULE_PREFIX) :] in by_name:
        target = by_name[alias[len(MODULE_PREFIX) :]]
        td = target["default"]
        if isinstance(td, dict) and "__unset__" in td:
            raise GenError(f"{spec['name']}: alias chain")
        return td, "default from the alias target"
    if alias in EXTERNAL_ALIAS_DEFAULTS:
        return EXTERNAL_ALIAS_DEFAULTS[alias], "default from the alias target"
    raise GenError(f"{spec['name']}: no default known for alias target {alias}")


def fuzz_attrs(leaf: Leaf, enums) -> tuple[list[str], str]:
    """The `#[fuzz(..)]` lines and the role, for the summary."""
    spec, m = leaf.spec, leaf.mapped
    lines = []
    pin = spec.get("fuzzer_pin")
    override = TYPE_OVERRIDES.get(leaf.path)
    if override is not None and pin is not None:
        raise GenError(f"{leaf.path}: both pinned by MODULE_DEFAULTS and in TYPE_OVERRIDES")
    if override is not None:
        vals = [render(m.ty, v, enums, m.python_only, leaf.path) for v in override]
        lines += values_attr(vals)
        return lines, "values: TYPE_OVERRIDES"
    if pin == "DEFAULT":
        reason = MODULE_DEFAULTS_REASONS.get(leaf.path, FALLBACK_REASON)
        lines += meta_attr("fuzz", f"skip = {rust_str(reason)}")
        role = f"skip: {reason}"
    elif pin is not None:
        value = render(m.ty, pin, enums, m.python_only, leaf.path).flat
        lines += meta_attr("fuzz", f"pin = {value}")
        role = f"pin = {value}"
    elif m.python_only:
        lines += meta_attr("fuzz", f"skip = {rust_str(TYPING_REASON)}")
        role = f"skip: {TYPING_REASON}"
    elif leaf.path.startswith("_"):
        lines += meta_attr("fuzz", f"skip = {rust_str(PRIVATE_REASON)}")
        role = f"skip: {PRIVATE_REASON}"
    elif "TESTING_ONLY" in leaf.path:
        lines += meta_attr("fuzz", f"skip = {rust_str(TESTING_REASON)}")
        role = f"skip: {TESTING_REASON}"
    else:
        role = "fuzzed"
    if m.values is not None:
        vals = ", ".join(render(m.ty, v, enums, False, leaf.path).flat for v in m.values)
        lines.append(f"{IND}#[fuzz(values = [{vals}])]")
    return lines, role


def alias_lines(leaf: Leaf, target: str, enums, roles: dict) -> list[str]:
    """An alias of a field of this module: `Alias<T>`, no default, never fuzzed."""
    spec, m = leaf.spec, leaf.mapped
    group = leaf.path.rsplit(".", 1)[0] + "." if "." in leaf.path else ""
    if not target.startswith(group):
        raise GenError(f"{leaf.path}: alias of `{target}`, outside its section")
    lines = [f"{IND}/// `{leaf.path}`: `{spec['python_type']}` (alias of `{target}`)"]
    if "deprecated" in spec:
        lines += meta_attr("deprecated", f"note = {rust_str(spec['deprecated'])}")
    lines += meta_attr("config", f"alias = {rust_str(target[len(group):])}")
    roles[leaf.path] = "alias"
    lines.append(f"{IND}pub {rust_ident(leaf.key)}: Alias<{m.ty.rust(enums)}>,")
    return lines


def leaf_lines(leaf: Leaf, enums, by_name, roles: dict) -> list[str]:
    spec, m = leaf.spec, leaf.mapped
    target = alias_target(spec, by_name)
    if target is not None:
        return alias_lines(leaf, target, enums, roles)
    notes = []
    default, default_note = resolve_default(spec, by_name)
    if spec.get("alias"):
        notes.append(f"alias of `{spec['alias']}`")
    if default_note:
        notes.append(default_note)
    if spec.get("justknob"):
        notes.append(f"JustKnob `{spec['justknob']}`")
    if spec.get("implies"):
        notes.append(f"implies `{spec['implies']}`")
    if m.note:
        notes.append(m.note)
    doc = f"{IND}/// `{leaf.path}`: `{spec['python_type']}`"
    if notes:
        doc += " (" + "; ".join(notes) + ")"
    lines = [doc]
    if "deprecated" in spec:
        lines += meta_attr("deprecated", f"note = {rust_str(spec['deprecated'])}")
    lines += default_attr(render(m.ty, default, enums, m.python_only, leaf.path))
    fl, role = fuzz_attrs(leaf, enums)
    roles[leaf.path] = role
    lines += fl
    lines.append(f"{IND}pub {rust_ident(leaf.key)}: {m.ty.rust(enums)},")
    return lines


def struct_lines(group: Group, enums, by_name, roles, doc: list[str], derive: str) -> list[str]:
    """The struct of one group: the root derives `FuzzableConfig`, the others
    are sections (`ConfigSection`), read through the root."""
    lines = list(doc)
    lines.append(f"#[derive({derive}, Clone, Debug, PartialEq)]")
    if any(isinstance(it, Leaf) and it.key != it.key.lower() for it in group.items):
        lines.append("#[allow(non_snake_case)]")
    lines.append(f"pub struct {group.struct_name} {{")
    for it in group.items:
        if isinstance(it, Leaf):
            lines += leaf_lines(it, enums, by_name, roles)
        else:
            n = sum(1 for _ in it.leaves())
            lines.append(f"{IND}/// `{it.path}.*`: {plural(n, 'field')}, in [`{it.struct_name}`].")
            lines.append(f"{IND}#[config(nested)]")
            lines.append(f"{IND}pub {rust_ident(it.path.split('.')[-1])}: {it.struct_name},")
    lines.append("}")
    return lines


def name_enums(enums: dict[tuple, EnumDef], taken: set[str]) -> None:
    """An enum is named after the first field using its Literal set (CamelCase
    of the field's last component); when two different sets would get the
    same name, both are named after their whole dotted path instead."""
    base = {k: camel(e.fields[0].split(".")[-1]) for k, e in enums.items()}
    counts: dict[str, int] = {}
    for b in base.values():
        counts[b] = counts.get(b, 0) + 1
    seen = set(taken)
    for k, e in enums.items():
        e.name = base[k] if counts[base[k]] == 1 else camel(e.fields[0])
        if e.name in seen:
            raise GenError(f"enum name {e.name} is taken")
        seen.add(e.name)
        e.variants = [variant_ident(v) for v in e.key]
        if len(set(e.variants)) != len(e.variants):
            raise GenError(f"{e.name}: variant names collide: {e.variants}")


def enum_lines(e: EnumDef) -> list[str]:
    literal = "Literal[" + ", ".join(repr(v) for v in e.key) + "]"
    users = " and ".join(f"`{f}`" for f in e.fields) if len(e.fields) <= 2 else (
        ", ".join(f"`{f}`" for f in e.fields[:-1]) + f" and `{e.fields[-1]}`"
    )
    lines = [f"/// `{literal}`, used by {users}."]
    lines.append("#[derive(FuzzValue, Clone, Copy, Debug, PartialEq, Eq)]")
    lines.append(f"pub enum {e.name} {{")
    for v, ident in zip(e.key, e.variants):
        lines.append(f"{IND}/// `{v!r}`")
        lines.append(f"{IND}{ident},")
    lines.append("}")
    return lines


MODULE_DOC = [
    "[`InductorConfig`]: the {count} entries of PyTorch's `torch._inductor.config` ({source_version}),"
    " in the same order, as a fixture for parity tests and benchmarks: {nfields} fields and {naliases}"
    " aliases ({alias_names}), which `InductorConfig::aliases()` lists and `fields()` does not."
    " Generated from"
    " `fake-config/data/inductor_config_fields.json` by `{script}`; change those, not this file.",
    "Dotted names become nested sections: `cpp.cxx` is the field `cxx` of [`InductorCpp`], the type of"
    " the field `InductorConfig::cpp`, a `ConfigSection` read through the root"
    " (`InductorConfig::read(|c| c.cpp.cxx.clone())`). A nested field sits where its group's first field appears in the"
    " JSON, so `InductorConfig::fields()` lists the dotted names in the JSON's order. {order_note}",
    "Types: `bool`, `int`, `float`, `str` are `bool`, `i64`, `f64`, `String`; `X | None` and"
    " `Optional[X]` are `Option<X>`; a bare `NoneType` (default `None`, no other type known) is"
    " `Option<String>`; `list`, `tuple` and `dict` are `Vec`, tuples and `BTreeMap` (bare `list` and"
    " `tuple` take their element type from the default). `Literal` of strings is a `FuzzValue` enum,"
    " one per distinct set of strings, named after the first field using it; its variants are the"
    " strings in CamelCase (`'-O0'` is `O0`, `'custom_ops'` is `CustomOps`, `'DEFAULT'` is `Default`)."
    " `Literal` of numbers (`0, 1, 2, 3`) or of numerals (`'0', '1', ...`) is an `i64` or a `String`"
    " restricted by `#[fuzz(values = [..])]`. Python-only types (callables, custom passes, `Any`,"
    " `OpOverload` keys, unions of unrelated types) are `Option<String>` defaulting to `None` or, when"
    " the Python default is not `None`, the closest honest type with the same default (pass names as"
    " `Vec<String>`, `Any` values as JSON text); they are never fuzzed (skip reason \"{typing}\").",
    "Fuzzing: fields that PyTorch's `ConfigFuzzer` pins to their default (its `MODULE_DEFAULTS`) are"
    " skipped with the reason PyTorch gives (\"timing\", \"typing\", \"out of scope\", ...),"
    " `force_disable_caches` is pinned to `true` as there, and other fields whose name starts with `_`"
    " or contains `TESTING_ONLY` are skipped as \"{private}\" or \"{testing}\". The fields of"
    " PyTorch's fuzzer `TYPE_OVERRIDES` are fuzzed over its values only: `cuda_backend` is always"
    " `Triton`, `post_grad_fusion_options` one of its two presets. There is no"
    " `env_prefix`: the config does not read the environment.",
]


def main(argv: list[str]) -> int:
    check = "--check" in argv[1:]
    data = json.loads(DATA.read_text())
    fields = data["fields"]
    if data.get("count") != len(fields):
        raise GenError(f"count {data.get('count')} != {len(fields)} fields")
    by_name = {f["name"]: f for f in fields}

    root = build_tree(fields)
    mapper = Mapper()
    for leaf in root.leaves():
        spec = leaf.spec
        default, _ = resolve_default(spec, by_name)
        leaf.mapped = mapper.map(spec["python_type"], default, leaf.path)
    groups = list(root.groups())
    struct_names = {root.struct_name} | {g.struct_name for g in groups}
    if len(struct_names) != len(groups) + 1:
        raise GenError("nested struct names collide")
    enums = mapper.enums
    name_enums(enums, struct_names | TAKEN_TYPE_NAMES)

    flat = [leaf.path for leaf in root.leaves()]
    json_order = [f["name"] for f in fields]
    if flat == json_order:
        order_note = "The JSON keeps each group's fields together, so the order is exactly the JSON's."
    else:
        moved = [n for k, n in enumerate(flat) if json_order[k] != n]
        order_note = (
            "The JSON interleaves groups; a nested struct's fields stay together, so these "
            f"fields come earlier than in the JSON: {', '.join(moved)}."
        )
        print(f"warning: flattened order differs from the JSON at {len(moved)} fields", file=sys.stderr)

    alias_names = [f["name"] for f in fields if alias_target(f, by_name) is not None]
    version = re.search(r"PyTorch [0-9][0-9.]*", data.get("source", ""))
    doc_lines = []
    for para in MODULE_DOC:
        text = para.format(
            count=len(fields),
            nfields=len(fields) - len(alias_names),
            naliases=len(alias_names),
            alias_names=", ".join(f"`{n}`" for n in alias_names),
            source_version=version.group(0) if version else "as extracted",
            script=SCRIPT,
            order_note=order_note,
            typing=TYPING_REASON,
            private=PRIVATE_REASON,
            testing=TESTING_REASON,
        )
        if doc_lines:
            doc_lines.append("//!")
        doc_lines += [f"//! {line}" for line in wrap(text, 76)]
    doc = "\n".join(doc_lines)

    roles: dict[str, str] = {}
    out = [f"// @generated by {SCRIPT}; do not edit", doc, ""]
    out.append("use std::collections::BTreeMap;")
    out.append("")
    out.append("use fuzzer_core::prelude::*;")
    out.append("")
    out += struct_lines(
        root,
        enums,
        by_name,
        roles,
        [
            f"/// The {len(fields)} entries of PyTorch's `torch._inductor.config`, in its order"
            f" ({len(fields) - len(alias_names)} fields, {len(alias_names)} aliases);",
            "/// see the [module docs](self) for how Python types map to Rust.",
        ],
        "FuzzableConfig",
    )
    for g in groups:
        n = sum(1 for _ in g.leaves())
        out.append("")
        out += struct_lines(
            g,
            enums,
            by_name,
            roles,
            [
                f"/// The `{g.path}.*` {plural(n, 'field')} of [`InductorConfig`]: a section, read through it,",
                f"/// `InductorConfig::read(|c| c.{g.path}.field)`.",
            ],
            "ConfigSection",
        )
    for e in enums.values():
        out.append("")
        out += enum_lines(e)
    text = "\n".join(out) + "\n"

    if check:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is stale; run `python3 {SCRIPT}`", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)

    # Summary, for the commit message and reviews.
    counts: dict[str, int] = {}
    for leaf in root.leaves():
        t = leaf.mapped.ty.rust(enums)
        if leaf.mapped.ty.kind == "Enum" or (
            leaf.mapped.ty.kind in ("Option", "Vec") and leaf.mapped.ty.args[0].kind == "Enum"
        ):
            t = t.replace(enums[(leaf.mapped.ty.args[0] if leaf.mapped.ty.args else leaf.mapped.ty).enum_key].name, "<enum>")
        counts[t] = counts.get(t, 0) + 1
    role_counts: dict[str, int] = {}
    for r in roles.values():
        role_counts[r] = role_counts.get(r, 0) + 1
    print(f"wrote {OUT.relative_to(ROOT.parent)}: {len(flat)} fields, {len(groups)} nested structs, {len(enums)} enums")
    for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {c:4}  {t}")
    for r, c in sorted(role_counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {c:4}  {r}")
    return 0


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap that never breaks inside a `code span`."""
    words: list[str] = []
    for w in text.split():
        if words and words[-1].count("`") % 2 == 1:
            words[-1] += " " + w
        else:
            words.append(w)
    lines, cur = [], ""
    for word in words:
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(cur)
    return lines


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except GenError as e:
        print(f"gen_inductor: {e}", file=sys.stderr)
        sys.exit(2)
