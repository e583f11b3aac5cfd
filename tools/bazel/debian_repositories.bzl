"""Serves Bazel's own dependencies from Debian packages, so the build needs no download.

Debian ships rules_cc (bazel-rules-cc) and rules_java (bazel-rules-java) under
/usr/share/bazel/rules. Bazel 4.2.3 needs three adjustments to use them offline:
  * rules_cc 0.0.4 loads `use_cpp_toolchain` from @bazel_tools, which this Bazel
    predates; the repository rule below serves it from a one-function shim file.
  * @remote_coverage_tools is normally downloaded; tests only need its label to exist.
  * @rules_java is served from the Debian tree as is.
"""

_DEBIAN_RULES = "/usr/share/bazel/rules"

_USE_CPP_TOOLCHAIN_LOAD = 'load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain", "use_cpp_toolchain")'
_USE_CPP_TOOLCHAIN_SHIM = "cc/use_cpp_toolchain_shim.bzl"
_USE_CPP_TOOLCHAIN_LOADS = """load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")
load("//cc:use_cpp_toolchain_shim.bzl", "use_cpp_toolchain")"""

def _debian_rules_cc_impl(ctx):
    src = ctx.path(_DEBIAN_RULES + "/cc")
    if not src.exists:
        fail("Debian's rules_cc is missing: run ./bazelw (it installs bazel-rules-cc)")
    ctx.file(_USE_CPP_TOOLCHAIN_SHIM, """def use_cpp_toolchain(mandatory = True):
    return ["@bazel_tools//tools/cpp:toolchain_type"]
""", executable = False)
    listing = ctx.execute(["find", ".", "-type", "f"], working_directory = str(src))
    for rel in listing.stdout.splitlines():
        rel = rel[2:]
        content = ctx.read(str(src) + "/" + rel) if rel.endswith(".bzl") else None
        if content != None and _USE_CPP_TOOLCHAIN_LOAD in content:
            ctx.file(rel, content.replace(_USE_CPP_TOOLCHAIN_LOAD, _USE_CPP_TOOLCHAIN_LOADS), executable = False)
        else:
            ctx.symlink(str(src) + "/" + rel, rel)

debian_rules_cc = repository_rule(
    implementation = _debian_rules_cc_impl,
    local = True,
)

def _offline_coverage_tools_impl(ctx):
    ctx.file("BUILD", """
package(default_visibility = ["//visibility:public"])
filegroup(name = "coverage_report_generator", srcs = [])
filegroup(name = "lcov_merger", srcs = [])
filegroup(name = "Main", srcs = [])
""")
    ctx.file("WORKSPACE", "")

offline_coverage_tools = repository_rule(implementation = _offline_coverage_tools_impl)

def debian_bazel_repositories():
    debian_rules_cc(name = "rules_cc")
    native.local_repository(name = "rules_java", path = _DEBIAN_RULES + "/java")
    offline_coverage_tools(name = "remote_coverage_tools")
