"""compile_fail_test: a test that passes when a source file does NOT compile.

The source is compiled twice with the C++ toolchain's compiler, the build's --copt and
--cxxopt flags and those of `deps` (includes, defines): once as is, which must succeed (so the test cannot pass because of
an unrelated error, such as a missing header), and once with -DZSPAN_COMPILE_FAIL, which
must fail with every `expect` pattern (an extended regex) in the diagnostics.
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

def _shell_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def _runfiles_path(include):
    """An include directory as the test sees it from its runfiles: generated directories
    (bazel-out/<config>/bin/..., where include_prefix puts zspan's headers) lose that prefix."""
    parts = include.split("/")
    if len(parts) >= 3 and parts[0] == "bazel-out" and parts[2] == "bin":
        return "/".join(parts[3:]) or "."
    return include

def _compile_fail_test_impl(ctx):
    cc_toolchain = find_cpp_toolchain(ctx)
    compilation = cc_common.merge_cc_infos(cc_infos = [dep[CcInfo] for dep in ctx.attr.deps]).compilation_context

    flags = ctx.fragments.cpp.copts + ctx.fragments.cpp.cxxopts + ["-std=c++20", "-fsyntax-only"]
    flags += ["-D" + define for define in compilation.defines.to_list() + ctx.attr.defines]
    for include in compilation.quote_includes.to_list():
        flags += ["-iquote", _runfiles_path(include)]
    for include in compilation.includes.to_list():
        flags += ["-I", _runfiles_path(include)]
    for include in compilation.system_includes.to_list():
        flags += ["-isystem", include]
    command = " ".join([_shell_quote(arg) for arg in [cc_toolchain.compiler_executable] + flags + [ctx.file.src.short_path]])

    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(script, is_executable = True, content = "\n".join([
        "#!/bin/bash",
        "set -u",
        "if ! out=$(" + command + " 2>&1); then",
        "  echo \"FAIL: {src} does not compile even without ZSPAN_COMPILE_FAIL:\"; echo \"$out\"; exit 1",
        "fi",
        "if out=$(" + command + " -DZSPAN_COMPILE_FAIL 2>&1); then",
        "  echo \"FAIL: {src} compiled with ZSPAN_COMPILE_FAIL; it must not\"; exit 1",
        "fi",
        "for pattern in " + " ".join([_shell_quote(p) for p in ctx.attr.expect]) + "; do",
        "  if ! grep -qE -- \"$pattern\" <<<\"$out\"; then",
        "    echo \"FAIL: the diagnostics do not match '$pattern':\"; echo \"$out\"; exit 1",
        "  fi",
        "done",
        "echo \"PASS: {src} fails to compile as expected\"",
        "",
    ]).replace("{src}", ctx.file.src.short_path))

    runfiles = ctx.runfiles(
        files = [ctx.file.src],
        transitive_files = depset(transitive = [compilation.headers, cc_toolchain.all_files]),
    )
    return [DefaultInfo(executable = script, runfiles = runfiles)]

compile_fail_test = rule(
    implementation = _compile_fail_test_impl,
    test = True,
    attrs = {
        "src": attr.label(allow_single_file = [".cc"], mandatory = True),
        "deps": attr.label_list(providers = [CcInfo]),
        "defines": attr.string_list(doc = "Extra -D flags, e.g. ZSPAN_DISABLED."),
        "expect": attr.string_list(mandatory = True, doc = "Extended regexes the diagnostics must match."),
        "_cc_toolchain": attr.label(default = Label("@bazel_tools//tools/cpp:current_cc_toolchain")),
    },
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
    fragments = ["cpp"],
)
