// three_way: the hot path's branch on one of a node's answers (trace/context.hpp), a byte
// whose value is 0, 1 or more, compared where it is in memory.
//
//   three_way<Follows::kZero, ContextNode::child_start_offset()>(parent,
//       [&] { /* 0: lazy */ }, [&] { /* 1: recording */ }, [&] { /* more */ });
//
// Compilers load such a byte into a register and test it there, or compute its address
// once for two compares (an instruction more, on each span's start and end); on x86-64 an
// `asm goto` compares it at its offset from the node's address. `Follows` says which
// way's code follows the compare, the others' being jumped to:
//   kZero: zero after one compare and one jump not taken, one after a second compare
//          (a span's start: most spans are sampled out);
//   kOne:  one after one compare and two jumps not taken, zero and more after one taken
//          (a guard's end: a sampled-out span's, which does nothing, jumps past it).
// Elsewhere, a switch.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zspan::detail {

enum class Follows { kZero, kOne };

#if defined(__x86_64__) && defined(__GNUC__)
// (Each layout is a function of its own: clang refuses an asm goto whose labels sit in
// another branch of an `if constexpr`.)
template <std::size_t kOffset, class IfZero, class IfOne, class Otherwise>
[[gnu::always_inline]] inline void zero_follows(const void* object, IfZero&& if_zero, IfOne&& if_one,
                                                Otherwise&& otherwise) {
  asm goto("cmpb $0, %c1(%0)\n\tjne %l[not_zero]" : : "r"(object), "i"(kOffset) : "cc" : not_zero);
  if_zero();
  return;
not_zero:
  asm goto("cmpb $1, %c1(%0)\n\tjne %l[more]" : : "r"(object), "i"(kOffset) : "cc" : more);
  if_one();
  return;
more:
  otherwise();
}

template <std::size_t kOffset, class IfZero, class IfOne, class Otherwise>
[[gnu::always_inline]] inline void one_follows(const void* object, IfZero&& if_zero, IfOne&& if_one,
                                               Otherwise&& otherwise) {
  asm goto("cmpb $1, %c1(%0)\n\tjb %l[zero]\n\tjne %l[more]" : : "r"(object), "i"(kOffset) : "cc" : zero, more);
  if_one();
  return;
zero:
  if_zero();
  return;
more:
  otherwise();
}
#endif

template <Follows kFollows, std::size_t kOffset, class IfZero, class IfOne, class Otherwise>
[[gnu::always_inline]] inline void three_way(const void* object, IfZero&& if_zero, IfOne&& if_one,
                                             Otherwise&& otherwise) {
#if defined(__x86_64__) && defined(__GNUC__)
  if constexpr (kFollows == Follows::kZero)
    zero_follows<kOffset>(object, if_zero, if_one, otherwise);
  else
    one_follows<kOffset>(object, if_zero, if_one, otherwise);
#else
  switch (*(static_cast<const std::uint8_t*>(object) + kOffset)) {
    case 0: if_zero(); break;
    case 1: if_one(); break;
    default: otherwise(); break;
  }
#endif
}

}  // namespace zspan::detail
