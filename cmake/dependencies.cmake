# The third-party libraries of the CMake build, found as the Bazel build takes them (Debian's
# -dev packages, see third_party/BUILD): included by CMakeLists.txt and by the installed
# zspanConfig.cmake, so a program that finds zspan finds them too. Sets
# ZSPAN_THIRD_PARTY_<name>, the CMake target of //third_party:<name>, for each one the
# package's libraries use (cmake/libraries.cmake names them); a library that starts using
# another needs its line here.
find_package(fmt REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CURL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Protobuf REQUIRED)  # also protoc (protobuf::protoc), of the same version

# As third_party/BUILD: fmt compiled (libfmt.so), so that its headers stay light.
set(ZSPAN_THIRD_PARTY_fmt fmt::fmt)
set(ZSPAN_THIRD_PARTY_boost Boost::headers)
set(ZSPAN_THIRD_PARTY_nlohmann_json nlohmann_json::nlohmann_json)
set(ZSPAN_THIRD_PARTY_curl CURL::libcurl)
set(ZSPAN_THIRD_PARTY_zlib ZLIB::ZLIB)
set(ZSPAN_THIRD_PARTY_protobuf protobuf::libprotobuf)
# libre2-dev has no CMake package: its headers are in the default path, like Bazel's -lre2.
set(ZSPAN_THIRD_PARTY_re2 re2)
