// Which sanitizer a test is built with, the same under g++ (__SANITIZE_ADDRESS__,
// __SANITIZE_THREAD__) and clang (__has_feature), for the few checks a sanitizer changes:
//
//   #include "tests/sanitizers.hpp"
//   #if ZSPAN_TEST_ASAN || ZSPAN_TEST_TSAN
//     ... memory bounds are the sanitizer's, not the library's ...
//   #endif
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define ZSPAN_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZSPAN_TEST_ASAN 1
#endif
#endif
#ifndef ZSPAN_TEST_ASAN
#define ZSPAN_TEST_ASAN 0
#endif

#if defined(__SANITIZE_THREAD__)
#define ZSPAN_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ZSPAN_TEST_TSAN 1
#endif
#endif
#ifndef ZSPAN_TEST_TSAN
#define ZSPAN_TEST_TSAN 0
#endif
