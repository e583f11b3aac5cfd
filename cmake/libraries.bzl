"""The CMake build's list of libraries, taken from Bazel's own analysis of the BUILD files.

Bazel is zspan's primary build; CMake (CMakeLists.txt) builds the same libraries from
cmake/libraries.cmake, which this rule writes. An aspect walks the `deps` of the given
cc_library targets and records, for each zspan library it reaches, what Bazel resolved:
its sources and headers (globs expanded, generated files marked), the zspan libraries and
the //third_party targets it depends on, its defines, copts and linkopts. One call per
library, a line per keyword with its items:

  zspan_library(<name>
    SRCS ... HDRS ... GENERATED ... DEPS ... THIRD_PARTY ... DEFINES ... LOCAL_DEFINES ...
    COPTS ... LINKOPTS ...)

<name> is the Bazel label with "/" and ":" as "_", its last part left out when it repeats
the package's (//trace/propagation -> trace_propagation, //exporters/json:json_writer ->
exporters_json_json_writer). Regenerate with cmake/update_libraries.sh; the test
//tests/cmake:libraries_test fails when the checked-in file differs from this output.
Rules: only cc_library targets of this workspace are recorded, as the default build
configures them (a select() gives its default branch: no --define switches).
"""

ZspanLibraries = provider(
    doc = "The zspan libraries a target depends on, as zspan_library(...) calls.",
    fields = {"calls": "depset of strings"},
)

def cmake_name(label):
    parts = label.package.split("/")
    if label.name != parts[-1]:
        parts.append(label.name)
    return "_".join(parts)

def _section(keyword, items):
    return ["  " + " ".join([keyword] + sorted(items))] if items else []

def _zspan_libraries_aspect_impl(target, ctx):
    transitive = [dep[ZspanLibraries].calls for dep in getattr(ctx.rule.attr, "deps", []) if ZspanLibraries in dep]
    label = target.label
    if ctx.rule.kind != "cc_library" or label.workspace_name or label.package == "third_party":
        return [ZspanLibraries(calls = depset(transitive = transitive))]
    files = ctx.rule.files.srcs + ctx.rule.files.hdrs
    deps = [dep.label for dep in ctx.rule.attr.deps]
    words = [cmake_name(label)]
    words += _section("SRCS", [f.short_path for f in ctx.rule.files.srcs if f.is_source])
    words += _section("HDRS", [f.short_path for f in ctx.rule.files.hdrs if f.is_source])
    words += _section("GENERATED", [f.short_path for f in files if not f.is_source])
    words += _section("DEPS", [cmake_name(d) for d in deps if d.package != "third_party"])
    words += _section("THIRD_PARTY", [d.name for d in deps if d.package == "third_party"])
    words += _section("DEFINES", ctx.rule.attr.defines)
    words += _section("LOCAL_DEFINES", ctx.rule.attr.local_defines)
    words += _section("COPTS", ctx.rule.attr.copts)
    words += _section("LINKOPTS", ctx.rule.attr.linkopts)
    call = "zspan_library(" + "\n".join(words) + ")"
    return [ZspanLibraries(calls = depset([call], transitive = transitive))]

zspan_libraries_aspect = aspect(
    implementation = _zspan_libraries_aspect_impl,
    attr_aspects = ["deps"],
)

def _cmake_libraries_impl(ctx):
    calls = depset(transitive = [lib[ZspanLibraries].calls for lib in ctx.attr.libs]).to_list()
    roots = sorted([cmake_name(lib.label) for lib in ctx.attr.libs])
    out = ctx.actions.declare_file(ctx.label.name + ".cmake")
    ctx.actions.write(out, "\n".join([
        "# Generated from the BUILD files by //cmake:generated_libraries (cmake/libraries.bzl): do not edit.",
        "# Regenerate with cmake/update_libraries.sh; //tests/cmake:libraries_test checks it.",
    ] + sorted(calls) + [
        "set(ZSPAN_PACKAGE_LIBRARIES " + " ".join(roots) + ")",
        "",
    ]))
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

cmake_libraries = rule(
    implementation = _cmake_libraries_impl,
    doc = "Writes <name>.cmake: the zspan_library(...) line of each library in `libs` and their deps.",
    attrs = {
        "libs": attr.label_list(aspects = [zspan_libraries_aspect]),
    },
)
